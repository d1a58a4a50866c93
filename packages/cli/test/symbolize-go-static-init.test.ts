// Inline trees that record no call site: Go 1.22+ inlines the calls of
// package-level initializers (`var A = Key("a").Int(1)`) without their
// inline marks, so every record has parentPc 0 and, where the init function
// starts inside inlined code, the runtime's upward walk comes back to the
// same record. Judged by the DWARF of the unstripped build (llvm-symbolizer):
// from the pclntab alone (`-s -w`, or `objcopy --strip-debug`) elfkit must
// answer DWARF's innermost frame and its function, not fail or loop. The
// calls in between and the call line are in the DWARF only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ElfFile } from '@elfkit/elf';
import { repoRoot, run, skip, which } from '@elfkit/fixtures';
import { elfkit } from './cli.js';
import { goBuild } from './go-crash.js';
import { scratch } from './support.js';

const SRC = join(repoRoot, 'fixtures', 'src', 'go-static-init');
const DOCKER = '/usr/local/bin/docker';

interface JsonFrame {
  FunctionName: string;
  FileName: string;
  Line: number;
}

/** Each address's frames from a symbolizer's JSON lines. */
function frames(out: string): JsonFrame[][] {
  return out
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { Symbol: JsonFrame[] }).Symbol);
}

/** Every byte address of the functions `pick` chooses, from the symbol table of `file`. */
function addressesOf(file: string, pick: (name: string) => boolean): bigint[] {
  const elf = ElfFile.parse(new Uint8Array(readFileSync(file)));
  const out: bigint[] = [];
  for (const s of elf.symbols()) if (s.type === 2 && s.size > 0n && pick(s.name)) for (let a = s.value; a < s.value + s.size; a++) out.push(a);
  return out;
}

/**
 * Compares elfkit on `stripped` with llvm-symbolizer on `withDwarf` at
 * `addrs`; returns how many answers end in a call site the pclntab lacks.
 */
function compare(what: string, withDwarf: string, stripped: string, addrs: bigint[]): number {
  const input = new TextEncoder().encode(addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n');
  const dwarf = frames(run('llvm-symbolizer', ['--output-style=JSON', `--obj=${withDwarf}`], { input }).stdout);
  const r = elfkit(['symbolize', '--output-style=JSON', `--obj=${stripped}`], { input });
  assert.is(r.status, 0, r.stderr);
  const ours = frames(r.stdout);
  assert.is(ours.length, addrs.length);
  let unknown = 0;
  addrs.forEach((a, i) => {
    const at = `${what} 0x${a.toString(16)}`;
    const d = dwarf[i]!;
    const o = ours[i]!;
    const outer = o[o.length - 1]!;
    assert.is(outer.FunctionName, d[d.length - 1]!.FunctionName, `${at}: the function`);
    // -trimpath DWARF names files relative to the compilation directory `.`; the pclntab spells them bare.
    const key = (f: JsonFrame) => [f.FunctionName, f.FileName.replace(/^\.\//, ''), f.Line];
    if (outer.Line !== 0) {
      assert.equal(o.map(key), d.map(key), `${at}: the same frames`);
      return;
    }
    // The pclntab's answer: DWARF's innermost frames, then the function with no call line.
    unknown++;
    assert.ok(o.length >= 2 && o.length < d.length, `${at}: ${o.length} frames, DWARF ${d.length}`);
    assert.is(outer.FileName, '', `${at}: no call file`);
    assert.equal(o.slice(0, -1).map(key), d.slice(0, o.length - 1).map(key), `${at}: the innermost frames`);
  });
  return unknown;
}

test('package-level initializers inlined without call sites (Go 1.22, 1.24, 1.27): the pclntab answers DWARF’s innermost call and the function', () => {
  if (!which('llvm-symbolizer')) return skip('static-init oracle', 'llvm-symbolizer is not installed');
  for (const v of ['1.22', '1.24', '1.27']) {
    const b = goBuild(v, 'amd64', { src: SRC, name: 'go-static-init' });
    if (typeof b === 'string') {
      skip(`static-init go${v}`, b);
      continue;
    }
    const addrs = addressesOf(b.exe, (n) => n === 'main.init');
    assert.ok(addrs.length > 0, `go${v}: main.init`);
    const unknown = compare(`go${v}`, b.exe, b.stripped, addrs);
    // Go ${v} writes the shape under test: every address of main.init is inlined code with no call site.
    assert.is(unknown, addrs.length, `go${v}: addresses without a recorded call site`);
    const text = elfkit(['go', 'frames', b.stripped, ...addrs.map((a) => '0x' + a.toString(16))]);
    assert.is(text.status, 0, text.stderr);
    assert.is(text.stdout.split('\n').filter((l) => l.endsWith(' (call site not recorded)')).length, addrs.length);
    console.log(`static init go${v}: ${addrs.length} addresses of main.init; DWARF's innermost frame and function from the pclntab`);
  }
});

test('docker CLI (go1.24) stripped of DWARF: the semconv init functions answer from the pclntab as the DWARF begins', () => {
  if (!existsSync(DOCKER)) return skip('docker static init', `${DOCKER} (the Go docker CLI) is not on this machine`);
  if (!which('llvm-symbolizer') || !which('objcopy')) return skip('docker static init', 'llvm-symbolizer or objcopy is not installed');
  const dir = scratch('elfkit-static-init-');
  try {
    const stripped = join(dir, 'docker');
    run('objcopy', ['--strip-debug', DOCKER, stripped]);
    const addrs = addressesOf(DOCKER, (n) => /\/otel\/semconv\/v1%2e(20|26)%2e0\.init$/.test(n));
    assert.ok(addrs.length > 0, 'semconv init functions in the symbol table');
    const unknown = compare('docker', DOCKER, stripped, addrs);
    assert.ok(unknown > 0, 'addresses without a recorded call site');
    console.log(`docker: ${addrs.length} addresses of 2 semconv init functions, ${unknown} without a recorded call site`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
