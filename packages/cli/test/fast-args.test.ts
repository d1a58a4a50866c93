import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildParser, commands, fastParse, loadAll, type Command } from '@elfkit/cli';

/** Every command and subcommand, loaded. */
async function everyCommand(): Promise<Command<any>[]> {
  const out: Command<any>[] = [];
  const walk = (list: readonly Command<any>[]) => {
    for (const c of list) {
      out.push(c);
      if (c.subcommands) walk(c.subcommands.map((s) => s.loaded!));
    }
  };
  walk(await loadAll(commands));
  return out;
}

/** What yargs makes of `argv`, with every command handler replaced by a recorder. */
async function yargsArgs(argv: string[]): Promise<Record<string, unknown> | undefined> {
  let captured: Record<string, unknown> | undefined;
  const all = (await everyCommand()) as unknown as { handler: (a: Record<string, unknown>) => void }[];
  const saved = all.map((c) => c.handler);
  for (const c of all) c.handler = (a) => void (captured = { ...a });
  try {
    const y = await buildParser(argv, () => {});
    await y.exitProcess(false).parseAsync();
  } catch {
    captured = undefined;
  } finally {
    all.forEach((c, i) => (c.handler = saved[i]!));
  }
  return captured;
}

const CASES: string[][] = [
  ['sections', 'a.out'],
  ['sections', 'a.out', '--json'],
  ['sections', '--json', 'a.out'],
  ['sections', 'a.out', '--json=false'],
  ['sections', 'a.out', '--no-json'],
  ['symbols', '-D', 'a.out'],
  ['symbols', '--dynamic', 'a.out', '--json'],
  ['symbols', 'a.out', '--no-dynamic'],
  ['info', '-'],
  ['notes', 'x'],
  ['dynamic', 'x', '--json'],
  ['relocs', 'x'],
  ['segments', 'some file with spaces'],
  ['section', 'dump', 'a.out', '.text'],
  ['section', 'dump', 'a.out', '.text', '-o', 'out.bin'],
  ['section', 'dump', 'a.out', '.text', '--output=out.bin', '--raw'],
  ['section', 'dump', 'a.out', '#3'],
  ['lines', 'a.out', '--ndjson', '--cu', 'main.c'],
  ['image', 'scan', 'app.tar', '--json'],
  ['image', 'scan', 'lay:v1', '--platform', 'linux/arm64/v8', '--sbom', 'cyclonedx', '-o', 'bom.json'],
  ['lines', 'a.out', '--source', 'go'],
  ['lines', 'a.out', '--source=dwarf', '--json'],
  ['section', 'add', 'a.out', '.x', '--file', 'p.bin', '-o', 'b.out'],
  ['section', 'add', 'a.out', '.note.x', '--string', 'v', '--loadable', '--in-place', '--align', '4', '--flags', 'alloc'],
  ['section', 'update', 'a.out', '.comment', '--string', 'x', '--output', 'b.out'],
  ['section', 'remove', 'a.out', '.comment', '.note.x', '--in-place'],
  ['section', 'rename', 'a.out', '.comment', '.cmt', '-o', 'b.out'],
  ['sign', 'a.out', '--key', 'cosign.key'],
  ['go', 'buildinfo', 'a.out', 'b.out'],
  ['go', 'info', 'a.out', '--json'],
  ['go', 'frames', 'a.out', '0x401000', '0x401010'],
  ['dwarf', 'info', 'a.out', '--name', 'main'],
  ['dwarf', 'units', 'a.out', '--json'],
  ['lines', 'a.out', '--debug-file-directory', '/usr/lib/debug'],
  ['stamp', 'a.out', '-o', 'b.out', '--set', 'k=v', 'x=y', '--no-git'],
  ['stamp', 'a.out', '--in-place', '--loadable'],
  ['stamp', 'show', 'a.out', '--json'],
  ['stamp', 'verify', 'a.out', '--commit', 'abc'],
  ['verify', 'a.out', '--key', 'cosign.pub', '--bundle', 'b.json', '--attestation'],
  ['attest', 'a.out', '--key', 'cosign.key', '--type', 'urn:x'],
  ['size', 'a.out', '-d', 'compileunits,symbols', '-n', '5'],
  ['size', 'a.out', '--csv', '--debug-file', 'a.debug', '--domain', 'vm'],
  ['size', 'a.out', '--diff', 'b.out', '-s', 'file', '--json'],
  // These the fast path must leave to yargs (which may reject them).
  ['lines', 'a.out', '--json', '--ndjson'],
  ['lines', 'a.out', '--source', 'bogus'],
  ['sections'],
  ['sections', 'a', 'b'],
  ['sections', 'a', '--bogus'],
  ['sections', '--help'],
  ['--version'],
  ['frobnicate'],
  ['section', 'dump', 'a.out'],
  ['symbols', '-DX', 'a.out'],
  ['size', 'a.out', '--', 'b.out'],
];

test('the fast argument path agrees with yargs wherever it answers', async () => {
  let answered = 0;
  for (const argv of CASES) {
    const fast = await fastParse(argv, commands);
    if (!fast) continue;
    answered++;
    const y = await yargsArgs(argv);
    assert.ok(y, `yargs accepts what the fast path accepted: ${argv.join(' ')}`);
    const strip = (a: Record<string, unknown>) => Object.fromEntries(Object.entries(a).filter(([k]) => k !== '$0'));
    assert.equal(strip(fast.args), strip(y!), argv.join(' '));
  }
  assert.ok(answered >= 18, `the fast path answers the common cases (${answered})`);
});

test('the fast path declines help, version, unknown options and missing arguments', async () => {
  for (const argv of [['sections', '--help'], ['--version'], ['sections'], ['sections', 'a', '--bogus'], ['lines', 'a', '--json', '--ndjson'], ['frobnicate', 'x']]) {
    assert.is(await fastParse(argv, commands), undefined, argv.join(' '));
  }
});

test.run();
