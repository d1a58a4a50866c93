import type { ElfFile, ElfSymbol, Section } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { CodeAnswer, DwarfSource, Frame, FrameSource, Module } from '@elfkit/symbolize';
import { BfdFunctionFinder, BfdSymbols } from './bfd-function.js';
import { GnuVariables } from './gnu-variables.js';

/** One name and file:line pair of GNU addr2line's answer. */
export interface GnuFrame {
  readonly name?: string;
  readonly file?: string;
  readonly line: number;
  readonly discriminator: number;
}

/**
 * Languages whose `DW_AT_name` is the symbol name (bfd's `mangle_style`
 * returns 0 for them): C, Cobol, Fortran 77, Pascal, PL/I, UPC, MIPS and HP
 * assembler. For the others bfd names a function without
 * `DW_AT_linkage_name` from the symbol table.
 */
const UNMANGLED_LANGUAGES = new Set([0x1, 0x2, 0x5, 0x6, 0x7, 0x9, 0xc, 0xf, 0x12, 0x1d, 0x8001, 0x8004, 0x8006, 0x8007, 0x8765]);

/**
 * GNU addr2line's answers (binutils 2.40) over the frames elfkit finds.
 * Sections are tried in header order while one holds the address and has
 * no answer (so an address in both `.tbss` and `.init_array` is answered
 * from the second). In a section that is not code, a symbol exactly at the
 * address is answered with the declaration of the variable it names. The
 * innermost function is named by its linkage name, or by `DW_AT_name` in
 * C; otherwise, and where DWARF has no function, by bfd's choice of symbol
 * (from the separate debug file when the DWARF is there), whose `STT_FILE`
 * stands in for a missing file. A function so named once keeps the
 * symbol's name when the symbol starts at its low address, and its DWARF
 * name otherwise (bfd caches it in the function). Callers of an inlined
 * call carry their DWARF names and, as GNU prints them, the innermost
 * row's discriminator. Go pclntab frames (where no DWARF covers) are
 * kept: GNU has no answer there.
 */
export class GnuNames {
  private readonly elf: ElfFile;
  private readonly ownSymbols: BfdSymbols;
  /** Symbols and sections of the file bfd names functions from (the debug file when the DWARF came from one). */
  private readonly nameFile: ElfFile;
  private readonly finder: BfdFunctionFinder;
  private readonly variables?: GnuVariables;
  /** Function (by its identity in frames) → the name bfd settled on after its first symbol search. */
  private readonly settled = new FunctionMap();

  /** `module` must have looked for its DWARF already (`await module.dwarf()`); a symbol table that cannot be read goes to `onError`. */
  constructor(module: Module, dwarf: DwarfSource | undefined, onError: (e: unknown) => void) {
    this.elf = module.elf!;
    this.ownSymbols = BfdSymbols.of(this.elf, onError);
    const debug = module.debugElf;
    this.nameFile = debug && debug !== this.elf ? debug : this.elf;
    this.finder = new BfdFunctionFinder(this.nameFile === this.elf ? this.ownSymbols : BfdSymbols.of(this.nameFile, onError));
    this.variables = dwarf && new GnuVariables(dwarf);
  }

  /** The frames GNU addr2line prints for `address` in `section` given elfkit's `answer`; undefined when this section has none. */
  frames(answer: CodeAnswer, section: Section, address: bigint): GnuFrame[] | undefined {
    const found = answer.found ? answer.frames : [];
    const n = this.framesInto(answer.found ? answer.source : 'symtab', found, found.length, section, address);
    return n < 0 ? undefined : this.out.slice(0, n).map((f) => ({ ...f }));
  }

  /**
   * {@link frames} for elfkit's first `count` frames `found` from `source`
   * (a miss: none): the count of GNU frames, written into the first of
   * {@link out} (reused by the next call), or -1 when this section has none.
   */
  framesInto(source: FrameSource, found: readonly Frame[], count: number, section: Section, address: bigint): number {
    if ((Number(section.flags) & C.SHF_EXECINSTR) === 0) {
      const sym = this.symbolAt(section, address);
      if (sym) {
        const decl = sym.type === C.STT_FUNC || sym.type === C.STT_GNU_IFUNC ? undefined : this.variables?.lookup(address, sym.name);
        const fn = this.function(section, address);
        if (decl) return this.put(0, fn?.symbol.name, decl.file, decl.line, 0);
        return fn ? this.put(0, fn.symbol.name, fn.file, 0, 0) : -1;
      }
    }
    if (source === 'symtab') count = 0;
    if (count === 0) {
      const fn = this.function(section, address);
      return fn ? this.put(0, fn.symbol.name, fn.file, 0, 0) : -1;
    }
    const inner = found[0]!;
    const discriminator = inner.discriminator;
    let name: string | undefined;
    let file = inner.file;
    if (source === 'go') name = inner.linkageName ?? inner.shortName;
    else if (!isFunction(inner)) {
      const fn = this.function(section, address);
      name = fn?.symbol.name;
      file ??= fn?.file;
    } else {
      const known = this.settled.get(inner);
      if (known !== NOT_SETTLED) name = known;
      else if (inner.linkageName !== undefined || (inner.shortName !== undefined && UNMANGLED_LANGUAGES.has(inner.language ?? -1))) name = inner.linkageName ?? inner.shortName;
      else {
        const fn = this.function(section, address);
        name = fn ? fn.symbol.name : inner.shortName;
        file ??= fn?.file;
        // bfd keeps the symbol's name when the symbol starts where the DIE's code does (its arange.low).
        this.settled.set(inner, fn && fn.symbol.value === (inner.lowAddress ?? inner.startAddress) ? fn.symbol.name : inner.shortName);
      }
    }
    this.put(0, name, file, inner.line, discriminator);
    for (let i = 1; i < count; i++) {
      const f = found[i]!;
      const known = this.settled.get(f);
      this.put(i, known !== NOT_SETTLED ? known : (f.linkageName ?? f.shortName), f.file, f.line, discriminator);
    }
    return count;
  }

  /** GNU frames of the last {@link framesInto}, reused. */
  readonly out: GnuFrame[] = [];

  /** Sets {@link out}`[i]`; returns i + 1. */
  private put(i: number, name: string | undefined, file: string | undefined, line: number, discriminator: number): number {
    const f = this.out[i] as { -readonly [K in keyof GnuFrame]: GnuFrame[K] } | undefined;
    if (f) {
      f.name = name;
      f.file = file;
      f.line = line;
      f.discriminator = discriminator;
    } else this.out.push({ name, file, line, discriminator });
    return i + 1;
  }

  /** bfd's symbol search in the name file's section that matches `section` (same index and name). */
  private function(section: Section, address: bigint) {
    let s = section;
    if (this.nameFile !== this.elf) {
      const d = this.nameFile.sections[section.index];
      if (!d || d.name !== section.name) return undefined;
      s = d;
    }
    return this.finder.find(s, address);
  }

  /** The symbol exactly at a data address (bfd: the first global one, else the last other one), not a section symbol. */
  private symbolAt(section: Section, address: bigint): ElfSymbol | undefined {
    const syms = this.ownSymbols;
    let found = -1;
    for (let i = 1; i < syms.count; i++) {
      const info = syms.info[i]!;
      if (syms.shndx[i] !== section.index || (info & 0xf) === C.STT_SECTION || syms.table!.value(i) !== address) continue;
      found = i;
      const bind = info >> 4;
      if (bind === C.STB_GLOBAL || bind === C.STB_GNU_UNIQUE) break;
    }
    return found < 0 ? undefined : syms.get(found);
  }
}

function isFunction(f: Frame): boolean {
  return f.linkageName !== undefined || f.shortName !== undefined || f.startAddress !== undefined;
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** What {@link FunctionMap.get} returns for a function it does not hold. */
const NOT_SETTLED = Symbol('not settled');

/**
 * A map keyed by a frame's function DIE — where its code starts, linkage
 * name, short name, start file and start line — by that address (as a
 * number where it fits; by name where there is none), then the entries that
 * share it: nearly every address starts one function, so a pass over a Go
 * binary (30,000 functions settled) keeps a map to entry numbers and a few
 * arrays, not an object per function (which the garbage collector would
 * copy and promote) nor a tree of four maps, and makes no key string.
 */
class FunctionMap {
  /** Key → the first entry under it; {@link next} chains the others. */
  private readonly byStart = new Map<number | bigint | string, number>();
  private readonly next: number[] = [];
  /** Per entry: whether the DIE had a low address (its key is that address then), its names (absent as empty), start file and line, and the name settled. */
  private readonly hasLow: boolean[] = [];
  private readonly linkageNames: string[] = [];
  private readonly shortNames: string[] = [];
  private readonly startFiles: string[] = [];
  private readonly startLines: number[] = [];
  private readonly names: (string | undefined)[] = [];

  /**
   * Where the DIE's code starts (bfd settles a name per DIE, so each inlined
   * copy of a function is its own entry, also one with DW_AT_ranges and no
   * start address: thousands in a Go binary), else the start address; for a
   * frame with neither its name.
   */
  private static key(f: Frame): number | bigint | string {
    const a = f.lowAddress ?? f.startAddress;
    if (a === undefined) return f.linkageName ?? f.shortName ?? '';
    // (as a number where it fits: a small integer is compared in the map's table without reading a bigint's digits)
    return a >= 0n && a <= MAX_SAFE_BIG ? Number(a) : a;
  }

  get(f: Frame): string | undefined | typeof NOT_SETTLED {
    for (let e = this.byStart.get(FunctionMap.key(f)) ?? -1; e >= 0; e = this.next[e]!) if (this.same(e, f)) return this.names[e];
    return NOT_SETTLED;
  }

  /** Settles `name` for `f`, which {@link get} does not hold. */
  set(f: Frame, name: string | undefined): void {
    const k = FunctionMap.key(f);
    const e = this.names.length;
    this.next.push(this.byStart.get(k) ?? -1);
    this.byStart.set(k, e);
    this.hasLow.push(f.lowAddress !== undefined);
    this.linkageNames.push(f.linkageName ?? '');
    this.shortNames.push(f.shortName ?? '');
    this.startFiles.push(f.startFile ?? '');
    this.startLines.push(f.startLine);
    this.names.push(name);
  }

  /** Whether entry `e` is `f`'s function (under `f`'s key: the same low address when both have one). */
  private same(e: number, f: Frame): boolean {
    return this.hasLow[e] === (f.lowAddress !== undefined) && this.startLines[e] === f.startLine && this.linkageNames[e] === (f.linkageName ?? '') && this.shortNames[e] === (f.shortName ?? '') && this.startFiles[e] === (f.startFile ?? '');
  }
}
