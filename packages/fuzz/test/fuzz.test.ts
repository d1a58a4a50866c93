// The CI slice of `pnpm fuzz`: every target for a fixed number of inputs
// from a fixed seed (so a failure here reproduces with the same command
// line), every kept regression input replayed, and the harness's own
// promises: the same seed gives the same inputs, and it does catch what it
// is meant to catch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BytesSource } from '@elfkit/binary';
import { CoreProcess } from '@elfkit/core';
import { repoRoot } from '@elfkit/fixtures';
import { Engine, Random, fuzz, regressions, replayRegressions, targets, type FuzzTarget } from '../dist/index.js';

const SEED = 20240614;
const INPUTS = Number(process.env.ELFKIT_FUZZ_INPUTS ?? 300);

test('every parser that reads outside input has a target', () => {
  const names = targets.map((t) => t.name);
  for (const n of ['elf-header', 'elf-symbols', 'elf-notes', 'elf-dynamic', 'elf-relocations', 'elf-versions', 'elf-compression', 'dwarf-units', 'dwarf-abbrev', 'dwarf-forms', 'dwarf-line', 'dwarf-lists', 'dwarf-expr', 'dwarf-dwp', 'go-pclntab', 'go-buildinfo', 'go-modinfo', 'dwarf-cfi', 'dwarf-types', 'core', 'core-notes', 'size', 'symbolize', 'symbolize-minidebuginfo', 'symbolize-index-cache', 'image-layer', 'image-archive']) {
    assert.ok(names.includes(n), `target ${n}`);
  }
  assert.is(new Set(names).size, names.length, 'names are unique');
});

test(`fixed-seed slice: ${INPUTS} inputs per target, no finding`, async () => {
  const t0 = Date.now();
  const results = await fuzz(
    targets.map((t) => t.name),
    { targets: [], seed: SEED, inputs: INPUTS, jobs: 2, minimize: false, timeLimitMs: 5000 },
  );
  let total = 0;
  for (const r of results) {
    process.stdout.write(`  ${r.stats.target}: ${r.stats.inputs} inputs, ${r.stats.seconds.toFixed(1)} s, corpus ${r.stats.corpus}, features ${r.stats.features}\n`);
    total += r.stats.inputs;
    assert.is(r.stats.inputs, INPUTS, `${r.stats.target} ran every input`);
    for (const f of r.findings) assert.unreachable(`${f.target}: ${f.kind}: ${f.message} (seed ${f.seed}; reproduce with pnpm fuzz ${f.target} --seed ${SEED} --inputs ${INPUTS})\n${f.stack ?? ''}`);
  }
  process.stdout.write(`\nfuzz slice: ${total} inputs over ${results.length} targets in ${((Date.now() - t0) / 1000).toFixed(0)} s, no finding\n`);
});

test('every kept regression input replays without a finding', async () => {
  const { replayed, failures } = await replayRegressions();
  for (const f of failures) assert.unreachable(`${f.regression.file} (${f.regression.found}) fails again: ${f.finding.kind}: ${f.finding.message}`);
  assert.is(replayed, regressions().length);
});

test('the core target starts from cut cores that read as the whole ones: threads, registers, backtraces, problems', async () => {
  const core = targets.find((t) => t.name === 'core')!;
  for (const seed of await core.seeds()) {
    const whole = new Uint8Array(gunzipSync(readFileSync(join(repoRoot, 'fixtures', seed.name + '.gz'))));
    assert.ok(seed.bytes.length < whole.length / 100, `${seed.name}: ${seed.bytes.length} bytes of ${whole.length}`);
    assert.equal(processView(seed.bytes, seed.context as Uint8Array), processView(whole, seed.context as Uint8Array), seed.name);
  }
});

/** What the core target reads of a core, as text. */
function processView(bytes: Uint8Array, exe: Uint8Array): string {
  const proc = CoreProcess.open(bytes, { host: { open: (p) => (p === '/exe' ? new BytesSource(exe) : undefined) }, exe: '/exe' });
  const view = proc.threads.map((t) => ({ regs: [...(t.status.registers?.entries() ?? [])], frames: proc.backtrace(t).frames.map((f) => [f.pc, f.sp, f.method]) }));
  assert.ok(view.length > 0 && view.every((t) => t.frames.length >= 3), 'every thread unwinds');
  return JSON.stringify({ view, problems: proc.problems.map(String), stack: [...(proc.memory.read(BigInt(view[0]!.regs.find(([n]) => /^(sp|esp|rsp)$/.test(n))?.[1] ?? 0n), 256) ?? [])] }, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v));
}

/** The inputs an engine makes for `target` (coverage off: the sequence then depends on the seed alone). */
async function inputsOf(target: FuzzTarget<any>, seed: number, n: number): Promise<string[]> {
  const seen: string[] = [];
  const e = new Engine(target, { seed, maxInputs: n, deadline: Number.MAX_SAFE_INTEGER, timeLimitMs: 5000, coverage: false, beforeRun: (b) => seen.push(Buffer.from(b).toString('base64')) });
  await e.run();
  return seen;
}

test('the same seed gives the same inputs; another seed other inputs', async () => {
  const t = targets.find((x) => x.name === 'dwarf-line')!;
  const a = await inputsOf(t, 7, 200);
  assert.equal(await inputsOf(t, 7, 200), a);
  assert.not.equal(await inputsOf(t, 8, 200), a);
  assert.equal(new Random(3, 'x').u32(), new Random(3, 'x').u32());
});

test('the checks catch a crash, a memory blow-up and a hang; crashes and blow-ups minimized', async () => {
  const found: string[] = [];
  const targetsModule = new URL('./selftest-targets.js', import.meta.url).href;
  const stacks: string[] = [];
  const onFinding = (f: { kind: string; input: Uint8Array; minimized?: Uint8Array; stack?: string }) => {
    found.push(`${f.kind} ${(f.minimized ?? f.input).length}`);
    if (f.kind === 'exception') stacks.push(f.stack ?? '');
  };
  await fuzz(['selftest'], { targets: [], seed: 1, inputs: 400, timeLimitMs: 1500, targetsModule, onFinding });
  const results = await fuzz(['selftest-hang'], { targets: [], seed: 1, inputs: 400, timeLimitMs: 200, hangMs: 1000, targetsModule, onFinding });
  assert.ok(found.includes('exception 4'), found.join(', '));
  assert.ok(found.includes('heap 4'), found.join(', '));
  assert.ok(found.some((f) => f.startsWith('hang ')), found.join(', '));
  // Inputs run without stack traces (cheaper ParseErrors); a crash is run again to say where it threw.
  assert.ok(stacks.length > 0 && stacks.every((s) => /TypeError: boom\n\s+at .*selftest-targets/.test(s)), stacks.join('\n---\n'));
  assert.is(results[0]!.findings.find((f) => f.kind === 'hang')!.input[3], 0x7f, 'the hanging input is kept');
});

test.run();
