import { ParseError } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import { Demangler, isMangled } from './demangle.js';
import { FileCache } from './files.js';
import { FrameBuffer, type CodeAnswer, type DataAnswer, type DataSymbol, type Frame, type FrameSource, type MutableFrame } from './frame.js';
import { goFrames } from './go-source.js';
import type { SymbolizeHost } from './host.js';
import { Module, type ModuleOptions } from './module.js';
import type { IndexedSymbol } from './symbol-index.js';

/** How a {@link Symbolizer} names and finds things. */
export interface SymbolizerOptions {
  /**
   * Directories searched for `.build-id/xx/….debug` and debug-link files
   * (default `/usr/lib/debug`, as gdb and llvm-symbolizer).
   */
  readonly debugFileDirectories?: readonly string[];
  /** A `.dwp` package to use for every module instead of `<binary>.dwp` (llvm-symbolizer's `--dwp`). */
  readonly dwp?: string;
  /**
   * `linkage` (default): the mangled linkage name where there is one; `short`:
   * `DW_AT_name`; `none`: no names.
   */
  readonly functionNames?: 'linkage' | 'short' | 'none';
  /**
   * With `linkage` names, name the outermost frame from the symbol table
   * (default true), as llvm-symbolizer does: a `.cold` part then shows as
   * `work.cold`, glibc's `__GI_abort` as `abort`. False keeps the DWARF name.
   */
  readonly symbolTableNames?: boolean;
  /**
   * Name addresses from the separate debug file's `.symtab` when the binary
   * has none (a stripped library with its debug file), as gdb and eu-stack
   * do; default false, as llvm-symbolizer, which reads symbols from the
   * binary only.
   */
  readonly debugFileSymbols?: boolean;
  /** Demangle C++ and Rust names (default true). */
  readonly demangle?: boolean;
  /**
   * Answer from the host's index cache, and let {@link Module.saveIndex}
   * write it (default true; nothing happens without a host `indexCache`).
   */
  readonly indexCache?: boolean;
  /** Ask the host's `fetchByBuildId` for debug files not found locally (default: when the host has one). */
  readonly fetch?: boolean;
  /**
   * Called once for each damaged piece of debug information (a unit, a line
   * program, a pclntab); the rest keeps answering. Default: ignored.
   */
  readonly onError?: (error: ParseError, module: Module) => void;
}

/**
 * Turns addresses into frames — function, file, line, column, inlined calls
 * — from the best source that covers each address: DWARF, then the Go
 * pclntab, then the symbol table (blazesym's `Symbolizer`, gimli's
 * addr2line). Modules are opened once through the host and keep their
 * lazily built indexes, so a million lookups stay fast.
 *
 * @example
 * ```ts
 * import { Symbolizer } from '@elfkit/symbolize';
 * import { nodeHost } from '@elfkit/symbolize/node';
 * const s = new Symbolizer(nodeHost());
 * const m = await s.module('/usr/bin/app');
 * const answer = await s.code(m, 0x401136n);
 * if (answer.found) for (const f of answer.frames) console.log(f.function, `${f.file}:${f.line}`);
 * ```
 */
export class Symbolizer {
  readonly host: SymbolizeHost;
  readonly options: SymbolizerOptions;
  private readonly files: FileCache;
  private readonly modules = new Map<string, Promise<Module>>();
  private readonly demangler: Demangler;

  constructor(host: SymbolizeHost, options: SymbolizerOptions = {}) {
    this.host = host;
    this.options = options;
    this.files = new FileCache(host);
    this.demangler = new Demangler(host);
  }

  /**
   * The module for the binary at `path` (opened once per path and bias). A
   * file that cannot be opened or is not ELF gives a module whose answers
   * are misses with the reason.
   */
  module(path: string, options: ModuleOptions = {}): Promise<Module> {
    // A pipe asks for the same module line after line: no key string per line then.
    const bias = options.bias ?? 0n;
    const last = this.lastModule;
    if (last && last.path === path && last.bias === bias && this.modules.get(last.key) === last.module) return last.module;
    const key = `${bias}:${path}`;
    let m = this.modules.get(key);
    if (!m) {
      m = this.openModule(path, options);
      this.modules.set(key, m);
    }
    this.lastModule = { path, bias, key, module: m };
    return m;
  }

  private lastModule?: { readonly path: string; readonly bias: bigint; readonly key: string; readonly module: Promise<Module> };

  /** A module over an ELF file already parsed (a core file's mapped file, a browser upload). */
  moduleFromElf(elf: ElfFile, path: string, options: ModuleOptions = {}): Module {
    const opened = this.files.tried(path) ? this.files.peek(path) : undefined;
    const m = new Module(path, opened ?? this.files.adopt(path, elf), this.files, this.settings(), options);
    this.modules.set(`${options.bias ?? 0n}:${path}`, Promise.resolve(m));
    return m;
  }

  /**
   * The frames at `address` (a runtime address: the module's bias is
   * subtracted), innermost first, or a miss with its reason. Only the first
   * lookup in a module (and one that needs a `.dwo` or the demangler) waits
   * for the host; the rest is synchronous.
   */
  async code(module: Module, address: bigint): Promise<CodeAnswer> {
    if (module.broken) return { found: false, address, reason: module.broken.reason, error: module.broken.error };
    if (!module.ready) await module.load();
    const a = address - module.bias;
    if (module.needsPrepare(a)) await module.prepare(a);
    const answer = this.codeNow(module, a, address);
    if (answer.found && this.options.demangle !== false && !this.demangler.attempted && answer.frames.some((f) => f.function !== undefined && isMangled(f.function))) {
      await this.demangler.load();
      return this.codeNow(module, a, address);
    }
    return answer;
  }

  /**
   * {@link code} without waiting: the answer when it needs nothing from the
   * host (the module is loaded, no split file is to be opened, no demangler
   * to be loaded first); otherwise undefined, and {@link code} answers. A
   * pipe of a million addresses pays for no promise per address then.
   */
  codeSync(module: Module, address: bigint): CodeAnswer | undefined {
    if (module.broken || !module.ready) return undefined;
    // (no bigint made per address for the usual unbiased module)
    const a = module.bias === 0n ? address : address - module.bias;
    if (module.needsPrepare(a)) return undefined;
    const answer = this.codeNow(module, a, address);
    if (answer.found && this.options.demangle !== false && !this.demangler.attempted && answer.frames.some((f) => f.function !== undefined && isMangled(f.function))) return undefined;
    return answer;
  }

  /**
   * {@link codeSync} into `into` (see {@link FrameBuffer}: its frame
   * objects are reused by the next answer): true when frames were found,
   * false for a miss (`into.length` 0), undefined when the answer needs the
   * host first ({@link code} answers then). The frames are those of
   * {@link code}; the answer's `symbol` and a miss's reason are not made.
   */
  codeInto(module: Module, address: bigint, into: FrameBuffer): boolean | undefined {
    if (module.broken || !module.ready) return undefined;
    const a = module.bias === 0n ? address : address - module.bias;
    if (module.needsPrepare(a)) return undefined;
    this.fill(module, a, into);
    if (this.options.demangle !== false && !this.demangler.attempted && hasMangled(into)) return undefined;
    return into.length > 0;
  }

  /** {@link code} once the module's DWARF, symbols and split files are loaded. */
  private codeNow(module: Module, a: bigint, address: bigint): CodeAnswer {
    const into = new FrameBuffer();
    const sym = this.fill(module, a, into);
    const needSymbol = this.needSymbol;
    const named = into.frames;
    if (named.length === 0) {
      const index = module.loadedSymbols!;
      const reason = module.loadedDwarf || module.goSymbols() || index.size > 0 ? 'unknown-address' : 'missing-symbols';
      return { found: false, address, reason };
    }
    const demangle = this.options.demangle !== false && this.demangler.loaded;
    if (needSymbol) return { found: true, address, frames: named, source: into.source, symbol: this.symbolOf(sym, demangle) };
    const index = module.loadedSymbols!;
    return new FoundAnswer(address, named, into.source, () => this.symbolOf(index.lookup(a), demangle));
  }

  /** Whether the last {@link fill} looked the symbol-table symbol up (no object returned per address for it). */
  private needSymbol = false;

  /** The frames at file address `a` into `into` (named, demangled); the symbol-table symbol when it was looked up (see {@link needSymbol}). */
  private fill(module: Module, a: bigint, into: FrameBuffer): IndexedSymbol | undefined {
    into.length = 0;
    into.source = 'symtab';
    let covered = false;
    const kind = this.options.functionNames ?? 'linkage';
    const dwarf = module.loadedDwarf;
    if (dwarf) {
      // A unit that covers the address answers for it, even with nothing (llvm-symbolizer's ??).
      covered = dwarf.framesInto(a, into);
      if (covered) into.source = 'dwarf';
    }
    // Padding between two functions of the symbol table (4% of the addresses spread over a Go binary) has no
    // line in the pclntab either (Go's symbol sizes are its functions' pc-table extents), nor has C code outside
    // Go's text: the pclntab is not opened for them, which spares reading the whole table (9 MB in the docker
    // CLI) where the DWARF answers everything else.
    if (!covered && !(dwarf && (module.loadedSymbols!.inGap(a) || !module.mayBeGo(a)))) {
      const go = module.goSymbols();
      if (go) {
        let frames: Frame[] | undefined;
        try {
          frames = goFrames(go.table, a);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          frames = undefined;
        }
        if (frames) {
          into.source = 'go';
          for (const g of frames) {
            const f = into.add();
            f.function = g.function;
            f.linkageName = g.linkageName;
            f.shortName = g.shortName;
            f.file = g.file;
            f.line = g.line;
            f.column = g.column;
            f.discriminator = g.discriminator;
            f.startFile = g.startFile;
            f.startLine = g.startLine;
            f.startAddress = g.startAddress;
            f.lowAddress = undefined;
            f.inlined = g.inlined;
            f.compDir = g.compDir;
            f.language = g.language;
          }
        }
      }
    }
    const named = into.frames as MutableFrame[];
    const n = into.length;
    // Frames are the buffer's: named in place.
    for (let i = 0; i < n; i++) {
      const f = named[i]!;
      f.function = kind === 'none' ? undefined : kind === 'short' ? f.shortName : (f.linkageName ?? f.shortName);
    }
    const index = module.loadedSymbols!;
    // The symbol table names a frame only when nothing else does or llvm-symbolizer's naming is asked for; otherwise
    // `answer.symbol` is looked up when read (a backtrace of DWARF frames never builds a 10,000-symbol index).
    const needSymbol = n === 0 || (kind === 'linkage' && this.options.symbolTableNames !== false);
    const sym = needSymbol ? index.lookup(a) : undefined;
    if (sym && n === 0) {
      // Nothing but the symbol table: one frame named after the symbol (and its STT_FILE).
      const linkage = kind === 'linkage';
      into.source = 'symtab';
      const f = into.add();
      f.function = linkage ? sym.name : undefined;
      f.linkageName = sym.name;
      f.shortName = f.startFile = f.compDir = f.language = undefined;
      f.file = linkage ? sym.file : undefined;
      f.line = f.column = f.discriminator = f.startLine = 0;
      f.startAddress = linkage ? sym.address : undefined;
      f.lowAddress = undefined;
      f.inlined = false;
    } else if (sym && kind === 'linkage' && this.options.symbolTableNames !== false) {
      // llvm-symbolizer names the outermost frame from the symbol table.
      const last = named[n - 1]!;
      last.function = sym.name;
      last.startAddress = sym.address;
      last.file ??= sym.file;
    }
    const demangle = this.options.demangle !== false && this.demangler.loaded;
    if (demangle) for (let i = 0; i < into.length; i++) if (named[i]!.function !== undefined) named[i]!.function = this.demangler.demangleNow(named[i]!.function!);
    this.needSymbol = needSymbol;
    return sym;
  }

  /**
   * An answer's symbol for the index's `x`: the one made last when it is for
   * the same symbol (a pass over a binary asks for each function's symbol a
   * few times in a row, a profile for its hot ones again and again).
   */
  private symbolOf(x: IndexedSymbol | undefined, demangle: boolean): DataSymbol | undefined {
    if (!x) return undefined;
    const last = this.lastSymbol;
    if (last && last.from === x && last.demangled === demangle) return last.symbol;
    const symbol = { name: demangle ? this.demangler.demangleNow(x.name) : x.name, start: x.address, size: x.size };
    this.lastSymbol = { from: x, demangled: demangle, symbol };
    return symbol;
  }

  private lastSymbol?: { readonly from: IndexedSymbol; readonly demangled: boolean; readonly symbol: DataSymbol };

  /** The global object at `address` (runtime address), from the symbol table, as llvm-symbolizer's DATA. */
  async data(module: Module, address: bigint): Promise<DataAnswer> {
    if (module.broken) return { found: false, address, reason: module.broken.reason, error: module.broken.error };
    const index = await module.symbols();
    const sym = index.lookup(address - module.bias);
    if (!sym) return { found: false, address, reason: index.size > 0 ? 'unknown-address' : 'missing-symbols' };
    const name = this.options.demangle !== false ? await this.demangler.demangle(sym.name) : sym.name;
    return { found: true, address, symbol: { name, start: sym.address, size: sym.size } };
  }

  /** Demangles `name` with the symbolizer's demangler (`gnu`: c++filt's spelling of clone suffixes). */
  demangle(name: string, gnu = false): Promise<string> {
    return this.demangler.demangle(name, gnu);
  }

  /** Releases every file the symbolizer opened. */
  close(): void {
    this.files.close();
    this.modules.clear();
  }

  private settings() {
    return {
      debugFileDirectories: this.options.debugFileDirectories,
      dwp: this.options.dwp,
      fetch: this.options.fetch ?? this.host.fetchByBuildId !== undefined,
      debugFileSymbols: this.options.debugFileSymbols ?? false,
      indexCache: this.options.indexCache ?? true,
      onError: this.options.onError ?? (() => {}),
    };
  }

  private async openModule(path: string, options: ModuleOptions): Promise<Module> {
    let source;
    try {
      source = await this.host.open(path);
    } catch (e) {
      return new Module(path, undefined, this.files, this.settings(), options, { reason: 'missing-file', error: e as Error });
    }
    if (!source) return new Module(path, undefined, this.files, this.settings(), options, { reason: 'missing-file' });
    try {
      const elf = ElfFile.parse(source, { decompressors: this.host.decompressors });
      void elf.sections; // headers must be readable for anything to work
      return new Module(path, this.files.adopt(path, elf), this.files, this.settings(), options);
    } catch (e) {
      return new Module(path, undefined, this.files, this.settings(), options, { reason: 'invalid-file', error: e as Error });
    }
  }
}

/**
 * A found answer whose `symbol` is looked up when first read (a backtrace of
 * DWARF frames never builds a 10,000-symbol index). A class with the getter
 * on its prototype: an object literal with a getter costs ~1 µs to make
 * (V8 makes its accessor pair each time), a third of a warm lookup's time
 * in a pipe of 100,000 addresses; defineProperty on a made object turned
 * each answer into a dictionary. `symbol` stays enumerable (through the
 * prototype) and in its JSON.
 */
class FoundAnswer {
  readonly found = true as const;
  readonly address: bigint;
  readonly frames: Frame[];
  readonly source: FrameSource;
  #lookup: (() => DataSymbol | undefined) | undefined;
  #symbol: DataSymbol | undefined;

  constructor(address: bigint, frames: Frame[], source: FrameSource, lookup: () => DataSymbol | undefined) {
    this.address = address;
    this.frames = frames;
    this.source = source;
    this.#lookup = lookup;
  }

  get symbol(): DataSymbol | undefined {
    const lookup = this.#lookup;
    if (lookup) {
      this.#lookup = undefined;
      this.#symbol = lookup();
    }
    return this.#symbol;
  }

  toJSON(): CodeAnswer {
    return { found: true, address: this.address, frames: this.frames, source: this.source, symbol: this.symbol };
  }
}
Object.defineProperty(FoundAnswer.prototype, 'symbol', { ...Object.getOwnPropertyDescriptor(FoundAnswer.prototype, 'symbol'), enumerable: true });

/** True when a frame of `b` has a mangled name (the demangler is loaded first then). */
function hasMangled(b: FrameBuffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const name = b.frames[i]!.function;
    if (name !== undefined && isMangled(name)) return true;
  }
  return false;
}
