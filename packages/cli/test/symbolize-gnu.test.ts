// `elfkit addr2line -a -f -i` against GNU addr2line (binutils 2.40) on every
// C/C++ fixture, over the addresses the llvm-symbolizer oracle asks about.
// Each tool runs once per file with all addresses on standard input. Where
// the two differ, llvm-symbolizer must agree with elfkit's files and lines
// and the difference must be one of binutils 2.40's known faults, each
// proven from the DWARF or GNU's own errors; anything else fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, skip, which } from '@elfkit/fixtures';
import { elfkit } from './cli.js';
import { scratch } from './support.js';
import { addresses, dwarfOf, targets } from './symbolize-sample.js';

interface Answer {
  readonly address: string;
  readonly frames: { name: string; file: string; line: string }[];
}

/** Splits `-a -f -i` output into answers: an address line, then name and file:line pairs. */
function parse(text: string): Answer[] {
  const out: Answer[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; ) {
    const address = lines[i++]!;
    const frames: Answer['frames'] = [];
    while (i + 1 < lines.length && !/^0x[0-9a-f]+$/.test(lines[i]!)) {
      const name = lines[i++]!;
      const loc = lines[i++]!;
      const colon = loc.lastIndexOf(':');
      frames.push({ name, file: loc.slice(0, colon), line: loc.slice(colon + 1) });
    }
    out.push({ address, frames });
  }
  return out;
}

/** The DWARF versions of a fixture's units and the file 0 of each unit's line table. */
function unitFacts(path: string): { versions: Set<number>; primaries: Set<string> } {
  const versions = new Set<number>();
  const primaries = new Set<string>();
  const d = dwarfOf(path);
  for (const u of d ? d.dwarf.units(() => {}) : []) {
    versions.add(u.version);
    try {
      const p = u.lineProgram()?.filePath(0);
      if (p) primaries.add(p);
    } catch {
      // no line table: no file 0
    }
  }
  return { versions, primaries };
}

/** A line without GNU's discriminator suffix (llvm-symbolizer's and GNU's differ on inlined frames). */
const bare = (line: string) => line.replace(/ \(discriminator \d+\)$/, '');
const show = (a: Answer) => a.frames.map((f) => `${f.name} ${f.file}:${f.line}`).join(' | ');

test('elfkit addr2line -a -f -i = GNU addr2line on every C/C++ fixture', () => {
  const gnu = which('addr2line');
  if (!gnu) return skip('GNU addr2line oracle', 'binutils not installed (apt-get install binutils)');
  const llvm = which('llvm-symbolizer') ?? which('llvm-symbolizer-14');
  if (!llvm) return skip('GNU addr2line oracle', 'llvm-symbolizer, which settles where GNU and elfkit differ, not installed (apt-get install llvm)');
  const dwarfdump = which('llvm-dwarfdump') ?? which('llvm-dwarfdump-14');
  const objcopy = which('objcopy') ?? 'objcopy';
  const dir = scratch('elfkit-gnu-oracle-');
  let compared = 0;
  let frames = 0;
  const causes = new Map<string, number>();
  const count = (cause: string) => causes.set(cause, (causes.get(cause) ?? 0) + 1);
  const unexplained: string[] = [];
  for (const t of targets().filter((x) => x.lang !== 'go')) {
    const addrs = addresses(t.path, t.sample);
    const input = addrs.map((a) => a.toString(16)).join('\n') + '\n';
    const g = run(gnu, ['-a', '-f', '-i', '-e', t.path], { input });
    const theirs = parse(g.stdout);
    const facts = unitFacts(t.path);
    const r = elfkit(['addr2line', '-a', '-f', '-i', '-e', t.path], { input: new TextEncoder().encode(input) });
    assert.is(r.status, 0, `${t.name}: ${r.stderr}`);
    const ours = parse(r.stdout);
    assert.is(ours.length, theirs.length, `${t.name}: one answer per address`);
    // llvm-symbolizer's view of the addresses where the two differ, to prove which is right.
    const differing = theirs.map((x, i) => i).filter((i) => JSON.stringify(theirs[i]) !== JSON.stringify(ours[i]));
    const llvmFrames = new Map<number, { name: string; file: string; line: string }[]>();
    if (differing.length) {
      const q = differing.map((i) => theirs[i]!.address).join('\n') + '\n';
      // LLVM 14 cannot read zstd: it is given a copy with the sections decompressed.
      let obj = t.path;
      if (t.zstd) {
        obj = join(dir, 'unzstd');
        run(objcopy, ['--decompress-debug-sections', t.path, obj]);
      }
      const answers = parse(run(llvm, ['--output-style=GNU', '-a', '-f', '-i', '--no-demangle', `--obj=${obj}`], { input: q }).stdout);
      differing.forEach((i, k) => llvmFrames.set(i, answers[k]!.frames));
    }
    for (let i = 0; i < theirs.length; i++) {
      compared++;
      const x = theirs[i]!;
      const y = ours[i]!;
      frames += x.frames.length;
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      const l = llvmFrames.get(i);
      const llvmAgrees = l !== undefined && l.length === y.frames.length && l.every((f, k) => f.file === y.frames[k]!.file && bare(f.line) === bare(y.frames[k]!.line));
      if (/mangled line number section/.test(g.stderr) && x.frames.every((f) => f.line === '?' || f.line === '0')) {
        // 64-bit DWARF 5: bfd 2.40 reads DW_FORM_line_strp in the line table
        // header with the wrong size (its stderr: "offset … greater than or
        // equal to .debug_line_str size") and drops the line table.
        count('binutils 2.40 cannot read a 64-bit DWARF 5 line table header; it answers from the symbol table alone');
        continue;
      }
      if (!llvmAgrees) {
        unexplained.push(`${t.name} ${x.address} (llvm-symbolizer disagrees with elfkit):\n  GNU    ${show(x)}\n  elfkit ${show(y)}\n  llvm   ${l?.map((f) => `${f.name} ${f.file}:${f.line}`).join(' | ')}`);
        continue;
      }
      // DWARF 5 numbers line-table files from 0 (section 6.2.4); binutils 2.40
      // shows file 0 (the unit's primary source) for a row in file 1 (gcc 12's
      // file 1 is the header holding an inline function: shapes.h, c++config.h).
      const fileOneAsZero = (p: string, q: string) => p === q || (facts.versions.has(5) && facts.primaries.has(p) && !facts.primaries.has(q));
      if (x.frames.length === y.frames.length && x.frames.every((f, k) => f.name === y.frames[k]!.name && f.line === y.frames[k]!.line && fileOneAsZero(f.file, y.frames[k]!.file))) {
        count('binutils 2.40 names file 0 for a DWARF 5 row in file 1');
        continue;
      }
      const inner = y.frames[0]!;
      const outer = y.frames[y.frames.length - 1]!;
      const onlyOuter = x.frames.length === 1 && y.frames.length > 1 && x.frames[0]!.name === outer.name && x.frames[0]!.line === inner.line && fileOneAsZero(x.frames[0]!.file, inner.file);
      if (onlyOuter && /split/.test(t.name)) {
        // bfd 2.40 reads no .dwo or .dwp: it has the skeleton's line table but no functions.
        count('binutils 2.40 does not read split DWARF: no inlined calls, the function named from the symbol table');
        continue;
      }
      if (onlyOuter && dwarfdump) {
        // The inlined call's DW_AT_ranges is DW_FORM_rnglistx (clang, DWARF 5):
        // bfd 2.40 reads the index as a section offset and misses the call.
        const dump = run(dwarfdump, [`--lookup=${x.address}`, t.path]).stdout;
        if (/DW_TAG_inlined_subroutine/.test(dump) && /DW_AT_ranges\s+\(indexed/.test(dump)) {
          count('binutils 2.40 reads a DW_FORM_rnglistx DW_AT_ranges as a section offset and misses the inlined call');
          continue;
        }
      }
      unexplained.push(`${t.name} ${x.address}:\n  GNU    ${show(x)}\n  elfkit ${show(y)}`);
    }
  }
  const summary = [...causes].map(([c, n]) => `${n} × ${c}`).join('; ') || 'none';
  console.log(`GNU addr2line: ${compared} addresses, ${frames} frames compared; differences by cause: ${summary}; unexplained: ${unexplained.length}`);
  if (unexplained.length) console.log(unexplained.slice(0, 30).join('\n'));
  if (process.env.ELFKIT_ORACLE_DUMP) writeFileSync(process.env.ELFKIT_ORACLE_DUMP, unexplained.join('\n'));
  rmSync(dir, { recursive: true, force: true });
  assert.is(unexplained.length, 0);
});

test.run();
