// Two shapes of DWARF that no committed fixture has, built here with the
// machine's gcc/g++ (skipped with the reason where they are absent):
// (a) relocatable objects with several debug sections of one name, one per
//     COMDAT group (`-fdebug-types-section`: 14 `.debug_types` in DWARF 4,
//     15 `.debug_info` in DWARF 5) — every one is read, as llvm-dwarfdump does;
// (c) line sequences of code the linker discarded (`--gc-sections`): GNU ld
//     starts them at 0, lld at the maximum address — `elfkit lines` marks
//     them `tombstone` and the symbolizer never answers from them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfFile } from '@elfkit/elf';
import { run, skip, which } from '@elfkit/fixtures';
import { elfkit, elfkitJson } from './cli.js';
import { scratch } from './support.js';

const CPP = `#include <vector>
struct Point { int x, y; };
template <typename T> struct Box { T value; T get() const { return value; } };
inline int twice(int v) { return v * 2; }
int use(const std::vector<Point>& v) {
  Box<int> b{twice((int)v.size())};
  return b.get() + v[0].x;
}
`;

const C = `#include <stdio.h>
int unused_helper(int x) { return x * 3 + 1; }
static int used(int x) { return x + 2; }
int main(int argc, char **argv) { (void)argv; printf("%d\\n", used(argc)); return 0; }
`;

/** Units of llvm-dwarfdump's or elfkit's `--debug-info`-style text: signature (or `compile`) → the names and declaration files in it. */
function unitsOfText(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (/: (Compile|Type) Unit: /.test(line)) {
      const sig = /type_signature = (0x[0-9a-f]+)/.exec(line)?.[1] ?? `compile${out.size}`;
      current = [];
      out.set(sig, current);
      continue;
    }
    const a = /^\s+(DW_AT_(?:name|decl_file|linkage_name))\s+\("?(.*?)"?\)$/.exec(line);
    if (a && current) current.push(`${a[1]} ${a[2]}`);
  }
  for (const v of out.values()) v.sort();
  return out;
}

test('(a) an object with one .debug_types / .debug_info per COMDAT group: every unit read, as llvm-dwarfdump', () => {
  const gxx = which('g++');
  const dump = which('llvm-dwarfdump') ?? which('llvm-dwarfdump-14');
  if (!gxx || !dump) return skip('COMDAT debug sections', `${gxx ? 'llvm-dwarfdump' : 'g++'} not installed`);
  const dir = scratch('elfkit-comdat-');
  try {
    writeFileSync(join(dir, 't.cpp'), CPP);
    for (const [version, section, count] of [[4, '.debug_types', 14], [5, '.debug_info', 15]] as const) {
      const obj = join(dir, `t${version}.o`);
      run(gxx, ['-c', '-g', `-gdwarf-${version}`, '-fdebug-types-section', '-O1', '-o', obj, join(dir, 't.cpp')]);
      const elf = ElfFile.parse(new Uint8Array(readFileSync(obj)));
      const same = elf.sections.filter((s) => s.name === section).length;
      assert.is(same, count, `g++ -gdwarf-${version} -fdebug-types-section makes ${count} ${section} sections`);
      const theirs = unitsOfText(run(dump, ['--debug-info', '--debug-types', obj]).stdout);
      const ours = unitsOfText(elfkit(['dwarf', 'info', obj]).stdout);
      assert.is(theirs.size, 15, 'llvm-dwarfdump reads every unit');
      assert.equal([...ours.keys()].sort(), [...theirs.keys()].sort(), `DWARF ${version}: the same units (type signatures)`);
      for (const [sig, names] of theirs) assert.equal(ours.get(sig), names, `DWARF ${version} unit ${sig}: names and declaration files (relocated against each section's place)`);
      const units = elfkitJson<{ units: { typeSignature: string | null }[] }>(['dwarf', 'units', obj]).units;
      assert.is(units.filter((u) => u.typeSignature).length, 14);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Rewrites the first `DW_LNE_set_address 0` of `.debug_line` to the maximum address, as lld writes a tombstone. */
function lldTombstone(bytes: Uint8Array): Uint8Array {
  const elf = ElfFile.parse(bytes);
  const s = elf.section('.debug_line')!;
  const out = bytes.slice();
  for (let i = s.offset; i + 11 <= s.offset + s.size; i++) {
    if (out[i] === 0 && out[i + 1] === 9 && out[i + 2] === 2 && out.subarray(i + 3, i + 11).every((b) => b === 0)) {
      out.fill(0xff, i + 3, i + 11);
      return out;
    }
  }
  throw new Error('no DW_LNE_set_address 0 in .debug_line');
}

test('(c) sequences of discarded code start at a tombstone: marked in elfkit lines, never a symbolization', () => {
  const gcc = which('gcc');
  if (!gcc) return skip('tombstone sequences', 'gcc not installed');
  const dir = scratch('elfkit-tombstone-');
  try {
    writeFileSync(join(dir, 't.c'), C);
    const nopie = join(dir, 'gc-nopie');
    const pie = join(dir, 'gc-pie');
    run(gcc, ['-g', '-O1', '-ffunction-sections', '-fno-pie', '-no-pie', '-Wl,--gc-sections', '-o', nopie, join(dir, 't.c')]);
    run(gcc, ['-g', '-O1', '-ffunction-sections', '-pie', '-fPIE', '-Wl,--gc-sections', '-o', pie, join(dir, 't.c')]);
    const lld = join(dir, 'gc-lld');
    writeFileSync(lld, lldTombstone(new Uint8Array(readFileSync(nopie))));
    const llvm = which('llvm-symbolizer');
    for (const [path, start] of [[nopie, 0n], [pie, 0n], [lld, 0xffff_ffff_ffff_ffffn]] as const) {
      type Row = { address: string; line: number; endSequence: boolean; tombstone?: true };
      const rows = elfkitJson<Row[]>(['lines', path]);
      const dead = rows.filter((r) => r.tombstone);
      // unused_helper is line 2: its sequence, and only it, is marked.
      assert.ok(dead.length >= 2, `${path}: the discarded sequence is marked`);
      assert.ok(dead.every((r) => r.line === 2), `${path}: only unused_helper's rows`);
      assert.is(BigInt(dead[0]!.address), start);
      assert.ok(dead[dead.length - 1]!.endSequence);
      assert.ok(rows.some((r) => !r.tombstone && r.line === 4), 'main is not marked');
      const text = elfkit(['lines', path]).stdout.split('\n');
      assert.ok(text.filter((l) => l.endsWith(' tombstone')).length === dead.length, 'text rows end with "tombstone"');
      // Addresses inside the discarded sequence: no function, no line.
      const probe = [start, start + 2n, start + 4n].map((a) => '0x' + BigInt.asUintN(64, a).toString(16));
      const answers = elfkit(['symbolize', '--output-style=JSON', `--obj=${path}`, ...probe]).stdout.trim().split('\n').map((l) => JSON.parse(l));
      for (const a of answers) assert.ok(!JSON.stringify(a).includes('unused_helper') && !/"Line":2\b/.test(JSON.stringify(a)), `${path} ${a.Address}: no answer from discarded code: ${JSON.stringify(a)}`);
      if (llvm && start === 0n) {
        // llvm-symbolizer 14 answers unused_helper at 0x2 — an address no section holds.
        const theirs = run(llvm, [`--obj=${path}`, '0x2']).stdout;
        if (theirs.includes('unused_helper')) console.log(`llvm-symbolizer 14 answers discarded code at 0x2 of ${path.endsWith('pie') && !path.endsWith('nopie') ? 'a PIE' : 'a non-PIE'} (no section holds 0x2); elfkit does not`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
