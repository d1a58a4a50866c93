import { isParseError, type ParseError } from '@elfkit/binary';
import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { GoSymbols } from '@elfkit/gosym';
import type { CodeMap } from './code-map.js';

/** A function to probe: its name and code range, and where the name came from. */
export interface ProbeFunction {
  readonly name: string;
  readonly entry: bigint;
  /** One past the last byte; undefined when the symbol has no size. */
  readonly end?: bigint;
  readonly source: 'pclntab' | 'symtab' | 'dynsym';
}

/**
 * The functions of a binary: from the Go pclntab when there is one (it
 * survives `strip` and `-ldflags=-s -w`), plus the symbol table's
 * functions the pclntab does not cover (C code of a cgo binary); else
 * `.symtab`, else `.dynsym` (STT_FUNC and STT_GNU_IFUNC). Only functions
 * in executable segments are listed; a name at the same address is
 * listed once. Sorted by address, then name.
 */
export function listFunctions(elf: ElfFile, code: CodeMap, go: GoSymbols | undefined, errors: ParseError[]): ProbeFunction[] {
  const out: ProbeFunction[] = [];
  // The pclntab has one function per entry; symbol tables may repeat a name at an address.
  const seen = new Set<string>();
  const add = (f: ProbeFunction) => {
    if (f.source !== 'pclntab') {
      const key = `${f.entry}:${f.name}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    if (code.segmentAt(f.entry)) out.push(f);
  };
  // A symbol table that cannot be read is reported and counts as empty: the other table and the pclntab still list functions.
  const symbols = (dynamic: boolean) => {
    try {
      return elf.symbols(dynamic);
    } catch (e) {
      if (!isParseError(e)) throw e;
      errors.push(e);
      return [];
    }
  };
  const symtab = symbols(false);
  const table = (symtab.length ? symtab : symbols(true)).filter((s) => (s.type === C.STT_FUNC || s.type === C.STT_GNU_IFUNC) && s.shndx !== C.SHN_UNDEF && s.value !== 0n && s.name);
  const source = symtab.length ? 'symtab' : 'dynsym';
  const goEntries = new Set<bigint>();
  if (go) {
    const symbolsAt = new Map<bigint, string[]>();
    for (const s of table) symbolsAt.set(s.value, [...(symbolsAt.get(s.value) ?? []), s.name]);
    for (const f of go.table.funcs(errors)) {
      // Each read of a GoFunc's entry makes a BigInt: read once (a stripped binary's thousands of functions).
      const entry = f.entry;
      let name = f.name;
      if (table.length) {
        goEntries.add(entry);
        // The pclntab names an ABI wrapper like the function it wraps; the
        // symbol table, when there is one, calls ABI0 code `name.abi0`, as
        // bpftrace -l lists it.
        name = symbolsAt.get(entry)?.find((n) => n.startsWith(name)) ?? name;
      }
      add({ name, entry, end: f.end, source: 'pclntab' });
    }
  }
  for (const s of table) {
    // The pclntab already names the Go functions (and knows their ends); a
    // Go binary's sizeless function symbols are markers (runtime.etext).
    if (goEntries.has(s.value) || (go && s.size === 0n)) continue;
    add({ name: s.name, entry: s.value, end: s.size > 0n ? s.value + s.size : undefined, source });
  }
  out.sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** A shell-style pattern (`*` any run, `?` one character) as a whole-name matcher; Go's `(*T)` matches itself. */
export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => true;
  const res = patterns.map((p) => new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's'));
  return (name) => res.some((r) => r.test(name));
}
