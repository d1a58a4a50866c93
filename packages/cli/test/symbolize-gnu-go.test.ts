// `elfkit addr2line -f -i` against GNU addr2line (binutils 2.40) on Go
// binaries with DWARF: 20,000 addresses spread over `.text`, one process
// each, every line equal. Go's DWARF describes most inlined calls with
// DW_AT_ranges and no start address, and bfd settles a function's name
// (symbol search, then DW_AT_name unless the symbol starts where the DIE's
// code does) once per DIE: two inlined copies of one function are named on
// their own, so an earlier address must not decide a later one's name.
// Go 1.25 and later write DWARF 5 line tables, which GNU 2.40 does not read
// (every answer is `go.go:?`, also at a function's entry); those builds are
// left to the llvm-symbolizer oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ElfFile } from '@elfkit/elf';
import { fixturePath, run, skip, which } from '@elfkit/fixtures';
import { elfkit } from './cli.js';

// Not go1.19-386: binutils 2.40 ignores a 32-bit .debug_ranges base address selection entry
// (0xffffffff, then the base: DWARF 4 section 2.17.3) and adds the offsets to the unit's base. At
// 0x8049082 (inside processOptions only) it so finds the indexByte call inlined at cpu.go:161,
// whose list at 0x4b8 selects base 0x8049040 for [0x7d, 0x87) = [0x80490bd, 0x80490c7), but read
// from the unit's 0x8049000 covers 0x8049082; llvm-symbolizer and elfkit print one frame there.
const BUILDS = ['go/go1.19-amd64', 'go/go1.22-amd64', 'go/go1.23-amd64', 'go/go1.24-amd64'];

/** `n` addresses spread evenly over the file's `.text`, a few bytes apart from the even spacing. */
function spread(path: string, n: number): string {
  const text = ElfFile.parse(new Uint8Array(readFileSync(path))).section('.text')!;
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push('0x' + (text.addr + (BigInt(text.size) * BigInt(k)) / BigInt(n) + BigInt(k % 7)).toString(16));
  return out.join('\n') + '\n';
}

test('elfkit addr2line -f -i = GNU addr2line on Go builds with DWARF 4 (inlined copies named each on its own)', () => {
  const gnu = which('addr2line');
  if (!gnu) return skip('GNU addr2line Go oracle', 'binutils not installed (apt-get install binutils)');
  let compared = 0;
  for (const name of BUILDS) {
    const path = fixturePath(name);
    const input = spread(path, 20_000);
    const theirs = run(gnu, ['-f', '-i', '-e', path], { input }).stdout.split('\n');
    const ours = elfkit(['addr2line', '-f', '-i', '-e', path], { input: new TextEncoder().encode(input) }).stdout.split('\n');
    const differing: string[] = [];
    for (let i = 0; i < Math.max(theirs.length, ours.length); i++) if (theirs[i] !== ours[i]) differing.push(`${name} line ${i + 1}: GNU ${theirs[i]} elfkit ${ours[i]}`);
    assert.equal(differing.slice(0, 5), [], `${differing.length} lines differ`);
    compared += theirs.length;
  }
  console.log(`GNU addr2line on Go: ${BUILDS.length} builds, 80,000 addresses, ${compared} lines equal`);
});

test.run();
