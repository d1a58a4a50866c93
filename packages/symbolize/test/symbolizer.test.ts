// The library as a browser, a debugger or a debuginfod client would use it:
// a host that answers later (promises), a fetch by build id, typed misses,
// failures remembered, MiniDebugInfo through the npm xz decoder, and the
// demangler loaded only for a mangled name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BytesSource, type ByteSource } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import { fixtureBytes, fixturePath, run, skip, which } from '@elfkit/fixtures';
import { Demangler, Symbolizer, type CodeAnswer, type SymbolizeHost } from '@elfkit/symbolize';
import { nodeHost } from '@elfkit/symbolize/node';

/** A host over files in memory that answers after a turn of the event loop, as fetch does, and counts what it is asked. */
function memoryHost(files: Record<string, Uint8Array>, byBuildId: Record<string, Uint8Array> = {}) {
  const opened: string[] = [];
  const fetched: string[] = [];
  const host: SymbolizeHost = {
    async open(path) {
      opened.push(path);
      await new Promise((r) => setTimeout(r, 1));
      const b = files[path];
      return b && new BytesSource(b);
    },
    async fetchByBuildId(buildId) {
      fetched.push(buildId);
      await new Promise((r) => setTimeout(r, 1));
      const b = byBuildId[buildId];
      return b && { path: `debuginfod:${buildId}`, source: new BytesSource(b) as ByteSource };
    },
    demanglerWasm: nodeHost().demanglerWasm,
  };
  return { host, opened, fetched };
}

/** Function symbols of `elf` with their start and middle: a varied sample. */
function functionAddresses(elf: ElfFile): bigint[] {
  const out: bigint[] = [];
  for (const s of elf.symbols()) if (s.type === 2 && s.value > 0n) out.push(s.value, s.value + s.size / 2n);
  return out;
}

const frames = (a: CodeAnswer) => (a.found ? a.frames.map((f) => `${f.function} ${f.file}:${f.line}:${f.column}${f.inlined ? ' (inlined)' : ''}`) : [`miss: ${a.reason}`]);

test('an asynchronous host with a build-id fetcher (debuginfod) gives the answers the file system does', async () => {
  const binary = fixtureBytes('c/gcc-stripped');
  const debug = new Uint8Array(readFileSync(fixturePath('c/gcc-stripped') + '.debug'));
  const elf = ElfFile.parse(binary);
  const buildId = elf.buildId()!;
  // Only the binary is on this "disk": its .gnu_debuglink target is not, so the DWARF must come from the fetcher.
  const mem = memoryHost({ '/app/gcc-stripped': binary }, { [buildId]: debug });
  const remote = new Symbolizer(mem.host, { debugFileDirectories: ['/nonexistent-debug'] });
  const local = new Symbolizer(nodeHost());
  const m1 = await remote.module('/app/gcc-stripped');
  const m2 = await local.module(fixturePath('c/gcc-stripped'));
  let compared = 0;
  for (const a of functionAddresses(ElfFile.parse(debug))) {
    const x = await remote.code(m1, a);
    const y = await local.code(m2, a);
    assert.equal(frames(x), frames(y), `0x${a.toString(16)}`);
    compared++;
  }
  assert.ok(compared > 20);
  assert.is(m1.dwarfOrigin?.path, `debuginfod:${buildId}`);
  assert.is(m2.dwarfOrigin?.via, 'debuglink');
  assert.equal(mem.fetched, [buildId], 'fetched once');
  // Every local place was tried once, not once per lookup.
  assert.is(new Set(mem.opened).size, mem.opened.length, `each path opened once: ${mem.opened.join(', ')}`);
  const main = await remote.code(m1, ElfFile.parse(debug).symbol('main')!.value);
  assert.ok(main.found && main.source === 'dwarf' && main.frames[0]!.function === 'main');
  remote.close();
  local.close();
});

test('misses are answers with a typed reason; a missing module is asked for once', async () => {
  const text = new TextEncoder().encode('not an ELF file\n');
  const o2 = fixtureBytes('c/gcc-O2');
  const mem = memoryHost({ '/text': text, '/o2': o2 });
  const s = new Symbolizer(mem.host);
  const missing = await s.module('/nowhere');
  const invalid = await s.module('/text');
  const o2m = await s.module('/o2');
  const r1 = await s.code(missing, 0x1000n);
  const r2 = await s.code(invalid, 0x1000n);
  const r3 = await s.code(o2m, 0x10n);
  assert.equal([r1.found, r2.found, r3.found], [false, false, false]);
  assert.is(!r1.found && r1.reason, 'missing-file');
  assert.is(!r2.found && r2.reason, 'invalid-file');
  assert.is(!r3.found && r3.reason, 'unknown-address');
  await s.module('/nowhere');
  await s.code(missing, 0x2000n);
  assert.is(mem.opened.filter((p) => p === '/nowhere').length, 1, 'the failure is remembered');
  const d = await s.data(o2m, ElfFile.parse(o2).symbol('shape_table')!.value + 8n);
  assert.ok(d.found && d.symbol.name === 'shape_table' && d.symbol.size > 8n);
  // A load bias (a PIE mapped at 0x5555_5555_4000): runtime addresses in, the same frames out.
  const biased = await s.module('/o2', { bias: 0x5555_5555_4000n });
  const main = ElfFile.parse(o2).symbol('main')!.value;
  assert.equal(frames(await s.code(biased, main + 0x5555_5555_4000n)), frames(await s.code(o2m, main)));
  s.close();
});

test('a binary with nothing to symbolize with: missing-symbols', async () => {
  const strip = which('strip');
  if (!strip) return skip('missing-symbols', 'binutils strip not installed');
  const dir = mkdtempSync(join(tmpdir(), 'elfkit-symbolize-'));
  try {
    const p = join(dir, 'bare');
    run(strip, ['--strip-all', '-o', p, fixturePath('c/gcc-O2')]);
    const s = new Symbolizer(nodeHost());
    const m = await s.module(p);
    const r = await s.code(m, 0x1200n);
    assert.is(!r.found && r.reason, 'missing-symbols');
    s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('MiniDebugInfo (.gnu_debugdata, xz): local functions of a stripped binary, decoded by the npm xz decoder', async () => {
  const tools = ['objcopy', 'strip', 'xz', 'nm'].map((t) => which(t));
  if (tools.some((t) => !t)) return skip('MiniDebugInfo', 'binutils or xz-utils not installed');
  const [objcopy, strip, xz, nm] = tools as string[];
  const dir = mkdtempSync(join(tmpdir(), 'elfkit-minidebuginfo-'));
  try {
    // Fedora's recipe (gdb manual, "MiniDebugInfo"): the function symbols not in .dynsym, xz-compressed, added as .gnu_debugdata.
    const src = fixturePath('c/gcc-O2');
    const bin = join(dir, 'app');
    const dyn = new Set(run(nm, ['-D', '--format=posix', '--defined-only', src]).stdout.split('\n').map((l) => l.split(' ')[0]));
    const funcs = run(nm, ['--format=posix', '--defined-only', src]).stdout.split('\n').map((l) => l.split(' ')).filter((f) => f[1] === 'T' || f[1] === 't').map((f) => f[0]!);
    const keep = funcs.filter((f) => !dyn.has(f));
    writeFileSync(join(dir, 'keep'), keep.join('\n') + '\n');
    run(objcopy, ['--only-keep-debug', src, join(dir, 'mini')]);
    run(objcopy, ['-S', '--remove-section', '.gdb_index', '--remove-section', '.comment', `--keep-symbols=${join(dir, 'keep')}`, join(dir, 'mini')]);
    run(xz, ['-k', join(dir, 'mini')]);
    run(strip, ['--strip-all', '-R', '.comment', '-o', bin, src]);
    run(objcopy, ['--add-section', `.gnu_debugdata=${join(dir, 'mini.xz')}`, bin]);
    const elf = ElfFile.parse(new Uint8Array(readFileSync(bin)));
    assert.ok(elf.section('.gnu_debugdata') && elf.symbols().length === 0, 'stripped, with .gnu_debugdata');
    let xzCalls = 0;
    const host = nodeHost();
    const counting: SymbolizeHost = {
      ...host,
      async xz(data) {
        xzCalls++;
        const { xzDecode } = await import('@elfkit/symbolize');
        return xzDecode(data);
      },
    };
    const original = ElfFile.parse(fixtureBytes('c/gcc-O2'));
    for (const h of [host, counting]) {
      const s = new Symbolizer(h);
      const m = await s.module(bin);
      let named = 0;
      for (const name of keep) {
        const sym = original.symbol(name)!;
        const r = await s.code(m, sym.value + (sym.size > 1n ? 1n : 0n));
        assert.ok(r.found && r.source === 'symtab', `${name}: ${JSON.stringify(frames(r))}`);
        assert.is(r.found && r.frames[0]!.function, name);
        named++;
      }
      assert.ok(named >= 5, `${named} local functions named from MiniDebugInfo`);
      s.close();
    }
    assert.is(xzCalls, 1, 'decoded once per module, through the host when it brings its own decoder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the demangler (gecko-profiler-demangle, WebAssembly) loads only for a mangled name', async () => {
  const d = new Demangler(nodeHost());
  assert.is(await d.demangle('main'), 'main');
  assert.is(await d.demangle('shape_area.cold'), 'shape_area.cold');
  assert.not.ok(d.loaded, 'not loaded for C names');
  assert.is(await d.demangle('_ZN3geo5Shape4areaEv'), 'geo::Shape::area()');
  assert.ok(d.loaded);
  assert.is(await d.demangle('_RNvCs15kBYyAo9fc_7mycrate7example'), 'mycrate::example');
  // A symbol version is not part of the mangling.
  assert.is(await d.demangle('_ZdlPvm@CXXABI_1.3.9'), 'operator delete(void*, unsigned long)@CXXABI_1.3.9');
  // LLVM spells a clone suffix `(.isra.0)`, c++filt `[clone .isra.0]`.
  assert.is(await d.demangle('_Z1fi.isra.0'), 'f(int) (.isra.0)');
  assert.is(await d.demangle('_Z1fi.isra.0', true), 'f(int) [clone .isra.0]');
  const s = new Symbolizer(nodeHost());
  const m = await s.module(fixturePath('cpp/gxx-dwarf5'));
  const acc = ElfFile.parse(fixtureBytes('cpp/gxx-dwarf5')).symbols().find((x) => x.name.startsWith('_ZN3geo10accumulate'))!;
  const r = await s.code(m, acc.value);
  assert.ok(r.found && r.frames[r.frames.length - 1]!.function!.startsWith('geo::accumulate<long, main::{lambda(long, long)#1}>('), JSON.stringify(frames(r)));
  s.close();
});

test.run();
