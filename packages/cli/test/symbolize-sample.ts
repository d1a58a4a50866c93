// The addresses the symbolizer oracle tests ask about, shared by the
// llvm-symbolizer and GNU addr2line comparisons.
import { readFileSync } from 'node:fs';
import { ElfFile } from '@elfkit/elf';
import { Dwarf } from '@elfkit/dwarf';
import { elfLoader } from '@elfkit/symbolize';
import { fixturePath, fixtures } from '@elfkit/fixtures';

/** A binary compared with the oracles. */
export interface Target {
  readonly name: string;
  readonly path: string;
  /** Every `sample`-th line row is asked about. */
  readonly sample: number;
  readonly zstd?: boolean;
  readonly lang: 'c' | 'cpp' | 'go';
}

/** The binaries compared: every C/C++ program (not objects, not .dwo/.dwp/.debug files) and Go builds with DWARF. */
export function targets(): Target[] {
  const out: Target[] = [];
  for (const f of fixtures()) {
    if ((f.lang === 'c' || f.lang === 'cpp') && (f.kind === 'dyn' || f.kind === 'exec')) out.push({ name: f.name, path: fixturePath(f), sample: 1, zstd: f.compression === 'zstd', lang: f.lang as 'c' | 'cpp' });
  }
  for (const name of ['go/go1.19-amd64', 'go/go1.27-amd64', 'go/go1.27-amd64-cgo', 'go/go1.27-arm64']) out.push({ name, path: fixturePath(name), sample: 4, lang: 'go' });
  return out;
}

/** The DWARF of a fixture (its own or, for a stripped one, the .debug file beside it). */
export function dwarfOf(path: string): { dwarf: Dwarf; elf: ElfFile } | undefined {
  let elf = ElfFile.parse(new Uint8Array(readFileSync(path)));
  if (!elf.debugSection('.debug_line')) {
    try {
      elf = ElfFile.parse(new Uint8Array(readFileSync(path + '.debug')));
    } catch {
      return undefined;
    }
  }
  return { dwarf: Dwarf.load(elfLoader(elf).load, { order: elf.header.order }), elf };
}

/** Row addresses, one address between each pair of rows, and the symbols' addresses (every `sample`-th row). */
export function addresses(path: string, sample: number): bigint[] {
  const set = new Set<bigint>();
  const d = dwarfOf(path);
  if (d) {
    let k = 0;
    for (const { program } of d.dwarf.linePrograms(() => {})) {
      const c = program.cursor();
      let prev: bigint | undefined;
      try {
        while (c.next()) {
          const a = c.addressBig;
          if (a === 0n || a > 0xffff_ffff_ffffn) {
            prev = undefined;
            continue;
          }
          if (k++ % sample === 0) {
            set.add(a);
            if (prev !== undefined && a > prev + 1n) set.add(prev + (a - prev) / 2n);
          }
          prev = c.endSequence ? undefined : a;
        }
      } catch {
        // damaged programs are another test's subject
      }
    }
  }
  const elf = ElfFile.parse(new Uint8Array(readFileSync(path)));
  for (const s of elf.symbols()) if (s.value > 0n && s.value < 0xffff_ffff_ffffn) set.add(s.value);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

