import { isParseError, type ParseError } from '@elfkit/binary';
import { DW_AT_high_pc, DW_AT_ranges, DW_LANG_Go } from '@elfkit/dwarf';
import type { ElfFile, SymbolTable } from '@elfkit/elf';
import { openGoSymbols, type GoSymbols } from '@elfkit/gosym';
import { buildBase } from './base-map.js';
import { DwarfInput } from './dwarf-input.js';
import { ElfContext } from './elf-context.js';
import { goImage } from '@elfkit/symbolize/go-image';
import { goLayout, type GoLayout } from './go-layout.js';
import { goGeneratedLabel, goPackageOf } from './go-names.js';
import { MapBuilder, type LabelMaps, type Translator } from './map-builder.js';
import { rollup, type SizeNode } from './rollup.js';
import { addCatchAll } from './sources/catch-all.js';
import { addCompileUnits } from './sources/compile-units.js';
import { addElfTables } from './sources/elf-tables.js';
import { addGoPieces, addGoPiecesAtEntry, addGoTables, addGoText } from './sources/go.js';
import { addDwarfLines, addGoLines } from './sources/lines.js';
import { addSections } from './sources/sections.js';
import { addSegments } from './sources/segments.js';
import { addSymbols, forEachSizedSymbol, symbolTableOf } from './sources/symbols.js';
import { SymbolSizes } from './symbol-sizes.js';

/** `go:func.*` (`go.func.*` before Go 1.20): the symbol spanning every function's funcdata. */
function isFuncdataContainer(name: string): boolean {
  return name === 'go:func.*' || name === 'go.func.*';
}

/** The ways to label bytes (bloaty's data sources, plus Go's). */
export type DataSource = 'sections' | 'segments' | 'symbols' | 'compileunits' | 'inlines' | 'files' | 'go-packages' | 'go-functions' | 'go-parts';

/** Every data source with what it labels. */
export const DATA_SOURCES: readonly { readonly name: DataSource; readonly description: string }[] = [
  { name: 'sections', description: 'ELF sections' },
  { name: 'segments', description: 'PT_LOAD segments (LOAD #n [RWX]); an object file: sections by flags' },
  { name: 'symbols', description: 'symbols of the symbol table (Go functions from the pclntab where it has none)' },
  { name: 'compileunits', description: 'DWARF compile units (source file of each translation unit, Go package); needs debug info' },
  { name: 'inlines', description: 'source file:line the code came from (DWARF line tables, Go pclntab)' },
  { name: 'files', description: 'source file the code came from (DWARF line tables, Go pclntab)' },
  { name: 'go-packages', description: 'Go packages: code, pclntab and data of each; cgo code by C compile unit' },
  { name: 'go-functions', description: 'Go functions: code and pclntab bytes of each; other symbols by name' },
  { name: 'go-parts', description: 'what Go function bytes are: text, header, funcname, pcsp, pcfile, pcln, pcdata, funcdata' },
];

/** Why a data source cannot label this file. */
export class SizeError extends Error {
  override readonly name = 'SizeError';
  constructor(
    message: string,
    readonly code: 'missing-debug-info' | 'not-go' | 'object-file' | 'unknown-source',
  ) {
    super(message);
  }
}

/** Options for {@link SizeModel}. */
export interface SizeOptions {
  /**
   * A separate debug file for the binary (found and matched by the
   * caller): its symbol table and DWARF stand in for the binary's own when
   * it has none. Its bytes are not measured.
   */
  debugFile?: ElfFile;
  /** The Go symbols, when the caller opened them already; null to ignore Go metadata. */
  go?: GoSymbols | null;
  /** Called as each stage of the work starts, for a progress display. */
  onProgress?: (stage: string) => void;
}

/**
 * Where the bytes of one ELF file go, in bloaty's model: every byte of the
 * file and every loaded address is charged to exactly one label of each
 * data source, the most specific information first, then `[section
 * NAME]`, `[ELF Header]`, `[LOAD #n [RX]]` and `[Unmapped]`. So a
 * source's sizes always add up to the file size and to the loaded memory
 * size.
 *
 * Nothing is read until asked: each source's maps are built on first use
 * and kept, and a tree over nested sources is tallied from them. Runs in a
 * browser or a worker (no Node API).
 *
 * @example
 * ```ts
 * const model = new SizeModel(ElfFile.parse(bytes));
 * const tree = model.tree(['compileunits', 'symbols']);
 * console.log(tree.fileSize === bytes.length);
 * ```
 */
export class SizeModel {
  /** Problems met and stepped over (a damaged unit or function), in the order found. */
  readonly errors: ParseError[] = [];
  private readonly ctx: ElfContext;
  private readonly options: SizeOptions;
  private baseMaps?: MapBuilder & Translator;
  private readonly built = new Map<DataSource, LabelMaps>();
  private dwarfInput?: DwarfInput | null;
  private goSymbols?: GoSymbols | null;
  private layout?: GoLayout | null;
  private symtab?: SymbolTable | null;
  private sizes?: SymbolSizes;

  constructor(
    readonly elf: ElfFile,
    options: SizeOptions = {},
  ) {
    this.ctx = new ElfContext(elf);
    this.options = options;
  }

  /** Size of the file: the file total of every source. */
  get fileSize(): number {
    return this.ctx.fileSize;
  }

  /** Bytes of address space the PT_LOAD segments take (allocated sections in an object file): the VM total. */
  get vmSize(): number {
    return this.base().vm.covered;
  }

  /** Why `source` cannot label this file, or undefined when it can. */
  unavailable(source: DataSource): string | undefined {
    if (!DATA_SOURCES.some((d) => d.name === source)) return `unknown data source '${source}'`;
    const dwarfSource = source === 'compileunits' || source === 'inlines' || source === 'files';
    if (dwarfSource && this.ctx.isObject) return `can't use data source '${source}' on object files (only binaries and shared libraries)`;
    if (source === 'compileunits' && !this.dwarf()) return 'missing debug info';
    if ((source === 'inlines' || source === 'files') && !this.dwarf() && !this.go()) return 'missing debug info';
    if (source.startsWith('go-') && !this.go()) return 'not a Go binary (no pclntab)';
    return undefined;
  }

  /** The data sources that can label this file. */
  availableSources(): DataSource[] {
    return DATA_SOURCES.map((d) => d.name).filter((s) => !this.unavailable(s));
  }

  /** The base maps (segments, headers, unmapped): what the totals are made of. */
  base(): MapBuilder & Translator {
    return (this.baseMaps ??= buildBase(this.ctx));
  }

  /** The labels of `source` over the file and the address space (built on first use). Throws {@link SizeError} when the source does not apply. */
  maps(source: DataSource): LabelMaps {
    let m = this.built.get(source);
    if (!m) {
      const why = this.unavailable(source);
      if (why) throw new SizeError(why, why.startsWith('unknown') ? 'unknown-source' : why.startsWith('missing') ? 'missing-debug-info' : why.startsWith('not a Go') ? 'not-go' : 'object-file');
      this.progress(`labelling by ${source}`);
      m = this.build(source);
      this.built.set(source, m);
    }
    return m;
  }

  /**
   * The sizes by `sources` nested in order (`['compileunits', 'symbols']`:
   * each unit, then the symbols inside it), under a `TOTAL` root whose
   * sizes are {@link fileSize} and {@link vmSize}.
   */
  tree(sources: readonly DataSource[]): SizeNode {
    const maps = sources.map((s) => this.maps(s));
    this.progress('tallying');
    return rollup(this.base(), maps);
  }

  /** The label `source` gives address `address`, or undefined when it is not loaded. */
  labelAt(source: DataSource, address: bigint): string | undefined {
    const m = this.maps(source);
    const id = m.vm.labelAt(this.ctx.address(address));
    return id < 0 ? undefined : m.labels[id];
  }

  /** The label `source` gives file offset `offset`. */
  labelAtOffset(source: DataSource, offset: number): string | undefined {
    const m = this.maps(source);
    const id = m.file.labelAt(offset);
    return id < 0 ? undefined : m.labels[id];
  }

  /** The Go function layout (text and pclntab pieces per function), or undefined for a non-Go file. */
  goLayout(): GoLayout | undefined {
    if (this.layout === undefined) {
      const go = this.go();
      if (!go) this.layout = null;
      else {
        this.progress('reading the Go pclntab');
        const sizes = this.symbolSizes();
        const fd = this.symbolTable() ? this.symbolEnd('go:func.*') ?? this.symbolEnd('go.func.*') : undefined;
        // The table through the model (not `go`, which a closure would keep): it may be let go and read again.
        const layout = goLayout(() => this.go()!, this.ctx, (a) => sizes.get(a), fd);
        this.errors.push(...layout.errors);
        this.layout = layout;
      }
    }
    return this.layout ?? undefined;
  }

  private progress(stage: string): void {
    this.options.onProgress?.(stage);
  }

  /**
   * Lets go of the pclntab this model read (9 MB in the docker CLI) when
   * the Go layout's arrays are all the next work needs; the next use of
   * the table reads it again. Symbols the caller gave are kept.
   */
  private releaseGoTable(): void {
    if (this.options.go === undefined && this.goSymbols) this.goSymbols = undefined;
  }

  private go(): GoSymbols | undefined {
    if (this.goSymbols === undefined) {
      if (this.options.go !== undefined) this.goSymbols = this.options.go;
      else {
        try {
          this.goSymbols = openGoSymbols(goImage(this.elf, this.options.debugFile)) ?? null;
        } catch (e) {
          if (!isParseError(e)) throw e;
          this.errors.push(e);
          this.goSymbols = null;
        }
      }
    }
    return this.goSymbols ?? undefined;
  }

  private dwarf(): DwarfInput | undefined {
    if (this.dwarfInput === undefined) {
      this.dwarfInput = DwarfInput.of(this.elf, true) ?? (this.options.debugFile ? DwarfInput.of(this.options.debugFile, false) : undefined) ?? null;
    }
    return this.dwarfInput ?? undefined;
  }

  private symbolTable(): SymbolTable | undefined {
    if (this.symtab === undefined) this.symtab = symbolTableOf(this.elf, this.options.debugFile) ?? null;
    return this.symtab ?? undefined;
  }

  /** Sized symbols by start address (the first one at each address). */
  private symbolSizes(): SymbolSizes {
    return (this.sizes ??= new SymbolSizes(this.symbolTable(), this.ctx));
  }

  /** Where the symbol called `name` (ASCII) ends, compared as bytes in the string table: nothing decoded. */
  private symbolEnd(name: string): number | undefined {
    const t = this.symbolTable()!;
    const want = Uint8Array.from(name, (c) => c.charCodeAt(0));
    const names = t.strtabBytes;
    const n = want.length;
    for (let i = 1; i < t.count; i++) {
      const off = t.nameOffset(i);
      if (names[off + n] !== 0 || names[off] !== want[0]) continue;
      let k = 1;
      while (k < n && names[off + k] === want[k]) k++;
      if (k < n) continue;
      const size = t.sizeNumber(i);
      return size > 0 ? this.ctx.address(t.value(i)) + size : undefined;
    }
    return undefined;
  }

  private build(source: DataSource): LabelMaps {
    const ctx = this.ctx;
    const b = new MapBuilder(this.base());
    const layout = source === 'sections' || source === 'segments' ? undefined : this.goLayout();
    // Compile units charge each function's pclntab pieces through the layout's arrays alone: the table need not
    // stay in memory while the DWARF is walked.
    if (source === 'compileunits') this.releaseGoTable();
    // What describes something at an address, charged to that address's
    // label: one layer, looking at what the source committed before it.
    const satellites = () => {
      b.commit();
      addElfTables(b, ctx);
      if (layout) addGoPiecesAtEntry(b, layout);
    };
    switch (source) {
      case 'sections':
        addSections(b, ctx, 'name');
        break;
      case 'segments':
        if (ctx.isObject) addSections(b, ctx, 'flags');
        else addSegments(b, ctx, false);
        break;
      case 'symbols':
        this.progress('reading symbols');
        // The linker's container of funcdata blobs (`go:func.*`) comes after
        // the functions' own pieces, so that each function gets its blobs.
        addSymbols(b, ctx, this.symbolTable(), undefined, (s) => !isFuncdataContainer(s.name));
        b.commit();
        if (layout) addGoText(b, layout, (i) => layout.name(i));
        satellites();
        addSymbols(b, ctx, this.symbolTable(), undefined, (s) => isFuncdataContainer(s.name));
        break;
      case 'compileunits':
        this.progress('reading DWARF units');
        addCompileUnits(b, ctx, this.dwarf()!, (a) => this.symbolSizes().get(a), this.errors);
        satellites();
        break;
      case 'inlines':
      case 'files': {
        const withLine = source === 'inlines';
        const dwarf = this.dwarf();
        this.progress('reading line tables');
        if (dwarf) addDwarfLines(b, ctx, dwarf, withLine, this.errors);
        b.commit();
        if (layout) addGoLines(b, layout, ctx, withLine, this.errors);
        satellites();
        break;
      }
      case 'go-packages':
        this.goPackages(b, layout!);
        break;
      case 'go-functions':
        addGoText(b, layout!, (i) => layout!.name(i));
        addGoPieces(b, layout!, (i) => layout!.name(i));
        b.commit();
        addGoTables(b, layout!);
        addSymbols(b, ctx, this.symbolTable());
        b.commit();
        addElfTables(b, ctx);
        break;
      case 'go-parts':
        addGoText(b, layout!, () => 'text');
        addGoPieces(b, layout!, (_, kind) => kind);
        b.commit();
        addGoTables(b, layout!);
        break;
    }
    addCatchAll(b, ctx, source === 'segments');
    return b;
  }

  /**
   * Go packages: each function's code and pclntab pieces under its
   * package, data symbols under theirs (type descriptors and itabs under
   * the package of their type), cgo code under its C compile unit.
   */
  private goPackages(b: MapBuilder, layout: GoLayout): void {
    const ctx = this.ctx;
    const pkgs = Array.from({ length: layout.funcCount }, (_, i) => goPackageOf(layout.name(i)) || '[Go runtime data]');
    const known = new Set(pkgs);
    addGoText(b, layout, (i) => pkgs[i]!);
    addGoPieces(b, layout, (i) => pkgs[i]!);
    b.commit();
    addGoTables(b, layout);
    const t = this.symbolTable();
    const cSymbols: { address: number; size: number }[] = [];
    if (t) {
      forEachSizedSymbol(t, ctx, (s) => {
        const p = goPackageOf(s.name);
        if (p && known.has(p)) b.addVMRange(p, s.address, s.size);
        else if (!p && /^(type|go)[.:]/.test(s.name)) b.addVMRange(goGeneratedLabel(s.name), s.address, s.size);
        else cSymbols.push(s);
      });
    }
    b.commit();
    // cgo: C code and data by the compile unit that holds them.
    const dwarf = this.dwarf();
    if (dwarf) {
      for (const u of dwarf.dwarf.units((e) => this.errors.push(e))) {
        try {
          const root = u.root();
          if (root.language === DW_LANG_Go || !root.name) continue;
          const label = `[C] ${root.name}`;
          const ranges = u.rootAttributes().find((a) => a.name === DW_AT_ranges);
          if (ranges) for (const r of u.attrRanges(ranges)) b.addVMRange(label, ctx.address(r.begin), Number(r.end - r.begin));
          const low = root.lowPc;
          const highAttr = u.rootAttributes().find((a) => a.name === DW_AT_high_pc);
          const high = highAttr ? u.highPc(highAttr, low) : undefined;
          if (low !== undefined && high !== undefined && high > low && low !== 0n) b.addVMRange(label, ctx.address(low), Number(high - low));
        } catch (e) {
          if (!isParseError(e)) throw e;
          this.errors.push(e);
        }
      }
    }
    for (const s of cSymbols) b.addVMRange('[C]', s.address, s.size);
    b.commit();
    addElfTables(b, ctx);
  }
}
