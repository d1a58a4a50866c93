/**
 * One frame at an address: a function, or a call inlined into the next
 * frame. Frames come innermost first; the last one is the function that
 * holds the code. Addresses in answers are link-time (file) addresses: add
 * the module's bias for runtime ones.
 */
export interface Frame {
  /**
   * The name to show: the linkage (mangled) name where there is one, else
   * the short name; for the outermost frame, by default the symbol table's
   * name, as llvm-symbolizer does (see {@link SymbolizerOptions.functionNames}).
   * Undefined when nothing names the function.
   */
  readonly function?: string;
  /** `DW_AT_linkage_name` (or the Go / symbol name). */
  readonly linkageName?: string;
  /** `DW_AT_name`. */
  readonly shortName?: string;
  /** Source file of the address (the call site, for an outer frame of an inlined call). */
  readonly file?: string;
  /** 0 when unknown. */
  readonly line: number;
  /** 0 when unknown. */
  readonly column: number;
  readonly discriminator: number;
  /** Where the function is declared (`DW_AT_decl_file`). */
  readonly startFile?: string;
  /** `DW_AT_decl_line` (Go: the `func` line); 0 when unknown. */
  readonly startLine: number;
  /** The function's first address (for the outermost frame; the symbol's under LLVM's rule). */
  readonly startAddress?: bigint;
  /**
   * Where this DIE's code starts as the DIE gives it (DWARF frames only):
   * `DW_AT_low_pc`, or the start of the first range of `DW_AT_ranges`.
   * Unlike {@link startAddress} it is set on inlined frames too, so it tells
   * two inlined copies of one function apart (GNU's tools settle a name for
   * each copy on its own).
   */
  readonly lowAddress?: bigint;
  /** True for a call the compiler inlined into the next frame. */
  readonly inlined: boolean;
  /** The compilation directory of the unit (for paths relative to it). */
  readonly compDir?: string;
  /** `DW_AT_language` of the unit that describes the function (DWARF frames; GNU tools name C functions from DWARF, C++ ones from the symbol table). */
  readonly language?: number;
}

/** Where an answer came from, in order of quality. */
export type FrameSource = 'dwarf' | 'go' | 'symtab';

/**
 * Why there is no answer (blazesym's `Reason`): the module file could not be
 * opened or read, it has nothing to symbolize with, or nothing covers the
 * address. A miss is an answer, not an error.
 */
export type MissReason =
  /** No module is mapped at the address (process and core-file symbolization). */
  | 'unmapped'
  /** The module file could not be opened. */
  | 'missing-file'
  /** The module file is not an ELF file, or its headers are damaged. */
  | 'invalid-file'
  /** The module has no DWARF, no Go pclntab and no symbol table. */
  | 'missing-symbols'
  /** The module has symbols, but none covers the address. */
  | 'unknown-address';

/** The answer for a code address. */
export type CodeAnswer =
  | {
      readonly found: true;
      readonly address: bigint;
      readonly frames: readonly Frame[];
      readonly source: FrameSource;
      /** The symbol-table symbol holding the address (its name demangled when the symbolizer demangles). */
      readonly symbol?: DataSymbol;
    }
  | { readonly found: false; readonly address: bigint; readonly reason: MissReason; readonly error?: Error };

/** A global object (or the symbol) at a data address. */
export interface DataSymbol {
  readonly name: string;
  readonly start: bigint;
  readonly size: bigint;
}

/** The answer for a data address. */
export type DataAnswer =
  | { readonly found: true; readonly address: bigint; readonly symbol: DataSymbol }
  | { readonly found: false; readonly address: bigint; readonly reason: MissReason; readonly error?: Error };

/** A {@link Frame} whose fields a {@link FrameBuffer} rewrites for each answer. */
export type MutableFrame = { -readonly [K in keyof Frame]: Frame[K] };

/**
 * Frames written into reused objects ({@link Symbolizer.codeInto}): a
 * caller that prints each answer and forgets it (a drop-in reading a pipe
 * of a million addresses) makes no frame objects and no answer object per
 * address. The first {@link length} of {@link frames} are the last answer's
 * frames, innermost first; the next answer overwrites them.
 */
export class FrameBuffer {
  /** Frame objects, reused; only the first {@link length} belong to the last answer. */
  readonly frames: Frame[] = [];
  /** How many frames the last answer has (0: a miss). */
  length = 0;
  /** Where the last answer's frames came from. */
  source: FrameSource = 'symtab';

  /** @internal Appends a frame (an object reused from an earlier answer, or a new one) for the caller to fill in. */
  add(): MutableFrame {
    let f = this.frames[this.length] as MutableFrame | undefined;
    if (!f) {
      f = { function: undefined, linkageName: undefined, shortName: undefined, file: undefined, line: 0, column: 0, discriminator: 0, startFile: undefined, startLine: 0, startAddress: undefined, lowAddress: undefined, inlined: false, compDir: undefined, language: undefined };
      this.frames.push(f);
    }
    this.length++;
    return f;
  }
}
