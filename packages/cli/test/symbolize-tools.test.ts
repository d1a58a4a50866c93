// `elfkit symbolize` on Go against `go tool addr2line` and the fixtures'
// runtime.CallersFrames output, the drop-in behaviours (stdin, misses,
// missing files, --filter), and bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfFile } from '@elfkit/elf';
import { fixturePath, goRoot, repoRoot, run, skip, which, cacheDir } from '@elfkit/fixtures';
import { elfkit } from './cli.js';
import { scratch } from './support.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** Function symbols and the addresses just inside them: a small, varied sample. */
function symbolAddresses(path: string, limit = 4000): bigint[] {
  const elf = ElfFile.parse(new Uint8Array(readFileSync(path)));
  const out = new Set<bigint>();
  for (const s of elf.symbols()) {
    if (s.type !== 2 || s.value === 0n) continue;
    out.add(s.value);
    if (s.size > 4n) out.add(s.value + s.size / 2n);
  }
  return [...out].slice(0, limit);
}

test('elfkit symbolize on Go: outer frame = go tool addr2line; -s -w builds answer where llvm-symbolizer prints ??', () => {
  const root = goRoot('1.27');
  if (!root) return skip('go tool addr2line oracle', 'Go 1.27 toolchain unavailable');
  const go = join(root, 'bin', 'go');
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', GOTELEMETRY: 'off', GOCACHE: join(cacheDir, 'go', 'build-cache') };
  let compared = 0;
  let noTable = 0;
  for (const name of ['go/go1.27-amd64-sw', 'go/go1.19-amd64-sw', 'go/go1.27-arm64-sw', 'go/go1.27-386-sw']) {
    const path = fixturePath(name);
    const t = run(process.execPath, [join(repoRoot, 'packages/cli/dist/elfkit.mjs'), 'go', 'funcs', '--json', path]);
    const funcs = (JSON.parse(t.stdout) as { funcs: { entry: string; end: string }[] }).funcs;
    const pcs = funcs.filter((_, i) => i % 7 === 0).flatMap((f) => [BigInt(f.entry), (BigInt(f.entry) + BigInt(f.end)) / 2n]);
    const input = pcs.map((p) => '0x' + p.toString(16)).join('\n') + '\n';
    const theirs = run(go, ['tool', 'addr2line', path], { input, env }).stdout.trim().split('\n');
    const ours = elfkit(['symbolize', '--output-style=JSON', '--no-demangle', `--obj=${path}`], { input: enc(input) }).stdout.trim().split('\n');
    for (let i = 0; i < pcs.length; i++) {
      // A function without a pcln table: debug/gosym decodes garbage there (see the gosym oracle).
      if (/:-1$|^\?:0$/.test(theirs[2 * i + 1]!)) {
        noTable++;
        continue;
      }
      const fr = (JSON.parse(ours[i]!) as { Symbol: { FunctionName: string; FileName: string; Line: number }[] }).Symbol;
      const outer = fr[fr.length - 1]!;
      const inner = fr[0]!;
      // go tool addr2line: the outer function with the innermost line.
      assert.is(`${outer.FunctionName}\n${inner.FileName}:${inner.Line}`, `${theirs[2 * i]}\n${theirs[2 * i + 1]}`, `${name} 0x${pcs[i]!.toString(16)}`);
      compared++;
    }
    const llvm = which('llvm-symbolizer');
    if (llvm) {
      const l = run(llvm, ['--output-style=JSON', `--obj=${path}`], { input: '0x' + pcs[2]!.toString(16) + '\n' }).stdout;
      assert.match(l, /"FunctionName":""/, 'llvm-symbolizer has no answer on a -s -w build');
    }
  }
  console.log(`go tool addr2line: ${compared} PCs on 4 stripped builds, all equal (${noTable} PCs of functions without a pcln table left out: go tool addr2line decodes garbage there)`);
});

test('elfkit symbolize: inline chains equal the fixtures\' runtime.CallersFrames output', () => {
  let frames = 0;
  for (const name of ['go/go1.27-amd64', 'go/go1.27-amd64-sw', 'go/go1.27-amd64-cgo', 'go/go1.19-amd64']) {
    const expected = readFileSync(join(repoRoot, 'fixtures', 'expected', `${name}.frames`), 'utf8').trim().split('\n');
    const all = expected[0]!.split('\t')[1]!.split(' ');
    // The first return address stands for three frames (two inlined calls), the others for one each.
    const raw = [all[0]!, ...all.slice(3)].map((p) => BigInt(p) - 1n);
    const input = raw.map((p) => '0x' + p.toString(16)).join('\n') + '\n';
    const out = elfkit(['symbolize', '--output-style=JSON', '--no-demangle', '--functions=short', `--obj=${fixturePath(name)}`], { input: enc(input) }).stdout.trim().split('\n');
    const got: string[] = [];
    out.forEach((l, i) => {
      for (const f of (JSON.parse(l) as { Symbol: { FunctionName: string; FileName: string; Line: number }[] }).Symbol) got.push(`0x${raw[i]!.toString(16)}\t${f.FunctionName}\t${f.FileName.replace(/^\.\//, '')}\t${f.Line}`);
    });
    const want = expected.slice(1).map((l) => l.split('\t')).map(([, fn, file, line]) => [fn, file!.replace(/^.*?(example\.com|runtime\/|src\/)/, '$1'), line].join('\t'));
    const mine = got.map((l) => l.split('\t')).map(([, fn, file, line]) => [fn, file!.replace(/^.*?(example\.com|runtime\/|src\/)/, '$1'), line].join('\t'));
    assert.equal(mine, want, name);
    frames += want.length;
  }
  console.log(`runtime.CallersFrames: ${frames} frames on 4 builds, equal`);
});

test('elfkit symbolize: misses, unparseable lines and missing files as llvm-symbolizer', () => {
  const gcc = fixturePath('c/gcc-dwarf5');
  const input = `${gcc} 0x11ae\nnonsense\n"${gcc}" 0x0\n/nonexistent 0x10\n/nonexistent 0x20\nDATA ${gcc} 0x4010\n`;
  const ours = elfkit(['symbolize'], { input: enc(input) });
  const llvm = which('llvm-symbolizer');
  if (llvm) assert.is(ours.stdout, run(llvm, [], { input }).stdout.replace(/LLVMSymbolizer.*\n/g, ''));
  assert.match(ours.stdout, /^main\n.*main\.c:15:1\n\nnonsense\n\?\?\n\?\?:0:0\n\n/);
  assert.match(ours.stderr, /nonexistent: No such file or directory/);
  assert.is(ours.stderr.split('\n').filter(Boolean).length, 1, 'a missing file is reported once');
  const json = elfkit(['symbolize', '--output-style=JSON'], { input: enc(input) }).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(json[1], { Error: { Message: 'unable to parse arguments: nonsense' }, ModuleName: 'nonsense' });
  assert.equal(json[3], { Address: '0x10', Error: { Message: 'No such file or directory' }, ModuleName: '/nonexistent' });
  if (llvm) {
    const theirs = run(llvm, ['--output-style=JSON'], { input }).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(json, theirs);
  }
});

test('elfkit symbolize --filter: sanitizer frames and module+offset symbolized in place', () => {
  const gcc = fixturePath('c/gcc-O2');
  const log = `==1==ERROR: AddressSanitizer: heap-use-after-free\n    #0 0x5555555552a0 (${gcc}+0x12a0)\n    #1 0x555555555300 in x (${gcc}+0x1300)\n    #2 0x7f00 (/nonexistent+0x10)\nplain line\ncrash at ${gcc}+0x1100 here\n`;
  const out = elfkit(['symbolize', '--filter'], { input: enc(log) }).stdout;
  assert.is(
    out,
    `==1==ERROR: AddressSanitizer: heap-use-after-free\n    #0 0x5555555552a0 in tri_area /elfkit/fixtures/src/c/shapes.c:29:81\n    #1 0x555555555300 in sq /elfkit/fixtures/src/c/shapes.h:28:11\n    #2 0x555555555300 in shape_perimeter_hint /elfkit/fixtures/src/c/shapes.c:49:44\n    #2 0x7f00 (/nonexistent+0x10)\nplain line\ncrash at ${gcc}+0x1100 (main at /elfkit/fixtures/src/c/main.c:27:13) here\n`,
  );
});

test('bad input: damaged .debug_info, .debug_line, .debug_rnglists and pclntab never crash or hang the symbolizer', () => {
  const dir = scratch('elfkit-symbolize-bad-');
  const cases: { name: string; section: string }[] = [
    { name: 'c/gcc-O2', section: '.debug_info' },
    { name: 'c/gcc-O2', section: '.debug_line' },
    { name: 'c/gcc-O2', section: '.debug_rnglists' },
    { name: 'go/go1.27-amd64-sw', section: '.gopclntab' },
  ];
  let runs = 0;
  for (const c of cases) {
    const bytes = new Uint8Array(readFileSync(fixturePath(c.name)));
    const elf = ElfFile.parse(bytes);
    const s = elf.section(c.section)!;
    const addrs = symbolAddresses(fixturePath(c.name), 300).map((a) => '0x' + a.toString(16)).join('\n') + '\n';
    for (let k = 0; k < 12; k++) {
      const b = bytes.slice();
      // Deterministic damage: a run of bytes overwritten at a spread of offsets.
      const at = Number(s.offset) + Math.floor(((k * 7919) % 997) / 997 * Math.max(1, s.size - 8));
      for (let j = 0; j < 8; j++) b[at + j] = (k * 37 + j * 101) & 0xff;
      const p = join(dir, `bad-${runs}`);
      writeFileSync(p, b);
      const r = elfkit(['symbolize', '--output-style=JSON', `--obj=${p}`], { input: enc(addrs) });
      assert.is(r.status, 0, `${c.name} ${c.section} at 0x${at.toString(16)}: ${r.stderr}`);
      assert.is(r.stdout.trim().split('\n').length, addrs.trim().split('\n').length);
      assert.not.match(r.stderr, /TypeError|RangeError|at .*\.js/);
      runs++;
    }
  }
  console.log(`bad input: ${runs} damaged binaries, every address answered, no crash`);
});

test.run();
