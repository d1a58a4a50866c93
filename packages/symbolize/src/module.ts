import { ParseError } from '@elfkit/binary';
import type { ElfFile, SectionInflater } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { dwoCandidates, dwpCandidates, SplitResolver } from '@elfkit/dwarf';
import { openGoSymbols, type GoSymbols } from '@elfkit/gosym';
import { dwarfSearch, type FoundDebugFile, type FoundDwarf } from './debug-info.js';
import { DwarfSource } from './dwarf-source.js';
import type { FileCache, OpenedFile } from './files.js';
import type { MissReason } from './frame.js';
import { goImage, goTextRange } from './go-image.js';
import { openMiniDebugInfo } from './minidebuginfo.js';
import { SymbolIndex, type SymbolColumns } from './symbol-index.js';
import { Tombstones } from './tombstone.js';
import { CachedDwarf } from './cached-dwarf.js';
import { decodeIndex, encodeIndex, INDEX_FORMAT, IndexCacheError } from './index-cache.js';

/** The DWARF sections {@link Module.preloadDwarf} inflates ahead: those a symbolization reads. */
const PRELOADED_SECTIONS = ['.debug_info', '.debug_abbrev', '.debug_line', '.debug_str', '.debug_line_str', '.debug_rnglists', '.debug_ranges', '.debug_aranges', '.debug_addr', '.debug_str_offsets'];

/** What {@link Module.preloadDwarf} started. */
export interface SteppedDwarf {
  /** Resolves once the preloaded sections are in. */
  readonly done: Promise<void>;
  /** Resolves once every preloaded section is being decoded. */
  readonly decoding: Promise<void>;
  /** With `infoInSteps`: what inflates `.debug_info` in steps, once it is read. */
  readonly info?: Promise<SectionInflater | undefined>;
  /** With `infoInSteps`: what inflates `.debug_abbrev` and `.debug_line` in steps (those compressed and read). */
  readonly tables?: Promise<SectionInflater[]>;
}

/** Options for a module. */
export interface ModuleOptions {
  /**
   * Load bias: where the module is mapped minus its link-time addresses
   * (0 for an executable at its linked address; a core file's or
   * `/proc/PID/maps`' start minus the first segment's vaddr for a PIE or
   * shared library). Addresses given to the symbolizer are runtime
   * addresses; this is subtracted from them.
   */
  readonly bias?: bigint;
}

/** Search settings a module inherits from its symbolizer. */
export interface ModuleSettings {
  readonly debugFileDirectories?: readonly string[];
  readonly dwp?: string;
  readonly fetch: boolean;
  /** Use the separate debug file's `.symtab` when the binary has none. */
  readonly debugFileSymbols?: boolean;
  /** Use the host's index cache (when it has one). */
  readonly indexCache: boolean;
  readonly onError: (e: ParseError, module: Module) => void;
}

/** Bytes of a section with where it is loaded, for unwinders. */
export interface LoadedSection {
  readonly name: string;
  /** Link-time address (add the module's bias for the runtime one). */
  readonly address: bigint;
  readonly data: Uint8Array;
}

/** The call-frame tables of a module, for an unwinder. */
export interface UnwindTables {
  readonly ehFrame?: LoadedSection;
  readonly ehFrameHdr?: LoadedSection;
  /** From the binary, else from its separate debug file. */
  readonly debugFrame?: LoadedSection;
  /** The Go pclntab (its SP deltas unwind Go frames). */
  readonly go?: GoSymbols;
}

/**
 * A binary and the debug information found for it: its own DWARF or a
 * separate debug file (build id, `.gnu_debuglink`, the host's fetcher),
 * split units (`.dwo`, `.dwp`), a supplementary file, the Go pclntab, the
 * symbol table (or MiniDebugInfo's). Each is located and decoded on first
 * use and kept — a failure too, so it is never searched for twice.
 */
export class Module {
  /** The path the module was opened from (its name in answers). */
  readonly path: string;
  readonly bias: bigint;
  /** Why the module cannot answer at all (its file is missing or not ELF). */
  readonly broken?: { readonly reason: MissReason; readonly error?: Error };
  private readonly opened?: OpenedFile;
  private readonly files: FileCache;
  private readonly settings: ModuleSettings;
  private dwarfState?: Promise<DwarfSource | null>;
  private dwarfReady?: DwarfSource | null;
  private goState?: GoSymbols | null;
  private symbolState?: Promise<SymbolIndex>;
  private symbolReady?: SymbolIndex;
  private split?: SplitResolver;
  private readonly tombstones: Tombstones;
  private foundDwarf?: FoundDwarf;

  /** @internal Modules come from {@link Symbolizer.module}. */
  constructor(path: string, opened: OpenedFile | undefined, files: FileCache, settings: ModuleSettings, options: ModuleOptions, broken?: Module['broken']) {
    this.path = path;
    this.opened = opened;
    this.files = files;
    this.settings = settings;
    this.bias = options.bias ?? 0n;
    this.broken = broken;
    this.tombstones = opened ? Tombstones.of(opened.elf) : new Tombstones([]);
  }

  /** The module's ELF file (undefined for a broken module). */
  get elf(): ElfFile | undefined {
    return this.opened?.elf;
  }

  /** GNU build id, lowercase hex. */
  get buildId(): string | undefined {
    return this.opened?.file.buildId;
  }

  /** Where the DWARF was found (`self`, `build-id`, `debuglink`) and the file, once {@link dwarf} ran. */
  get dwarfOrigin(): FoundDwarf['source'] | undefined {
    return this.foundDwarf?.source;
  }

  /** The ELF file the DWARF came from — the module's own, or its separate debug file — once {@link dwarf} found it. */
  get debugElf(): ElfFile | undefined {
    return this.foundDwarf?.elf;
  }

  /** True once {@link load} finished: lookups need no host from here on (but for split files). */
  get ready(): boolean {
    return this.dwarfReady !== undefined && this.symbolReady !== undefined;
  }

  /** Locates the DWARF and indexes the symbols (each once). */
  async load(): Promise<void> {
    await this.dwarf();
    await this.symbols();
  }

  /** The DWARF once {@link load} ran. */
  get loadedDwarf(): DwarfSource | undefined {
    return this.dwarfReady ?? undefined;
  }

  /** The symbol index once {@link load} ran. */
  get loadedSymbols(): SymbolIndex | undefined {
    return this.symbolReady;
  }

  /**
   * The index cache for this module's DWARF, once {@link dwarf} ran: `hit`
   * (lookups answer from the cache file), `miss` (none usable; {@link
   * saveIndex} would write one), `off` (no store, no DWARF, or a file
   * without a build id, which is never cached: its key could not tell its
   * versions apart).
   */
  get indexCacheState(): 'hit' | 'miss' | 'off' {
    return this.dwarfReady?.cached ? 'hit' : this.indexKey ? 'miss' : 'off';
  }

  private indexKey?: { readonly name: string; readonly key: string };
  /** The symbol index from the cache file, taken by {@link symbols} when it fits the tables. */
  private cachedSymbols?: SymbolColumns;

  /**
   * Decodes every unit of the module's DWARF and puts the index into the
   * host's index cache; false when there is nothing to cache (no store,
   * already a hit, or DWARF the cache cannot hold: damaged, split, with a
   * supplementary file). Costs a full decode: run it after the answers are
   * out, or in another process (the CLI's `--fill-cache`).
   */
  async saveIndex(): Promise<boolean> {
    const d = await this.dwarf();
    const store = this.files.host.indexCache;
    const k = this.indexKey;
    if (!d || !store || !k || d.cached) return false;
    const snapshot = d.snapshot();
    if (!snapshot) return false;
    const symbols = (await this.symbols()).columns();
    await store.put(k.name, encodeIndex({ ...snapshot, symbols }, k.key, this.files.host.crc32));
    return true;
  }

  /** The cache key of the DWARF found (undefined when it cannot be cached). */
  private async cacheKey(found: FoundDwarf): Promise<{ name: string; key: string } | undefined> {
    const store = this.files.host.indexCache;
    const own = this.buildId;
    if (!store || !this.settings.indexCache || !own || found.supPath) return undefined;
    const parts = [`elfkit-index ${INDEX_FORMAT}`, own];
    const files: [string, ElfFile][] = [[this.path, this.elf!]];
    if (found.elf !== this.elf) files.push([found.source.path, found.elf]);
    for (const [path, elf] of files) {
      let id: string | undefined;
      try {
        id = elf.buildId();
      } catch {
        id = undefined;
      }
      const st = await store.stamp(path);
      if (!id || !st) return undefined;
      parts.push(`${id}:${st.size}:${st.mtimeMs}`);
    }
    const key = parts.join(' ');
    return { name: `${own.toLowerCase()}-${fnv(key)}`, key };
  }

  /** The index cache's copy of the DWARF when it has a good one (a damaged, foreign or stale file is ignored). */
  private async fromCache(source: DwarfSource, found: FoundDwarf): Promise<void> {
    const k = (this.indexKey = await this.cacheKey(found));
    if (!k) return;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.files.host.indexCache!.get(k.name);
    } catch {
      bytes = undefined;
    }
    if (!bytes) return;
    try {
      const index = decodeIndex(bytes, k.key, this.files.host.crc32);
      source.cached = new CachedDwarf(index);
      this.cachedSymbols = index.symbols;
    } catch (e) {
      if (!(e instanceof IndexCacheError)) throw e;
    }
  }

  /** True when the unit covering `address` is a skeleton whose split files were not opened yet. */
  needsPrepare(address: bigint): boolean {
    const d = this.dwarfReady;
    if (!d || d.cached) return false;
    const unit = d.unitAt(address);
    return unit !== undefined && d.needsSplit(unit) && !this.prepared.has(unit);
  }

  private readonly prepared = new Set<unknown>();

  /**
   * Locates the DWARF, then starts decompressing the sections a lookup
   * reads (units, abbreviations, line tables, strings, range lists,
   * aranges) with the host's `decompressAsync`: resolves once their
   * reads are under way, to `done`, which resolves when they are in, and
   * `decoding`, which resolves once every one of them is being decoded
   * (or needs no decoding): the compressed bytes are read on the host's
   * thread pool too, and only a caller that lets the event loop run
   * (awaits) hands them on to the decoder. A core's symbolizer inflates
   * libc's debug file this way while it unwinds the threads. Without that
   * host decoder nothing is started; lookups inflate what they read, as
   * always. With `infoInSteps`, and a host that can (`inflateInSteps`),
   * `.debug_info` is only read: `info` resolves, once it is, to what
   * inflates it in the steps the caller asks for (see
   * {@link DwarfSource.infoBound}), and lookups read its units as they
   * come in; `.debug_aranges`, which the steps' ends come from, is left
   * to be inflated where it is read (at once). `.debug_abbrev` and
   * `.debug_line` are only read too: `tables` resolves to what inflates
   * them in steps — the caller's, and each lookup's own on the calling
   * thread as far as the tables it reads (see `Dwarf`'s growing sections).
   */
  async preloadDwarf(options: { readonly infoInSteps?: boolean } = {}): Promise<SteppedDwarf> {
    const host = this.files.host;
    const decode = host.decompressAsync?.bind(host);
    const d = await this.dwarf();
    const elf = this.foundDwarf?.elf;
    // (a module answered from the index cache reads no DWARF at all)
    if (!decode || !elf || d?.cached) return { done: Promise.resolve(), decoding: Promise.resolve() };
    const loads: Promise<void>[] = [];
    const decoding: Promise<void>[] = [];
    let stepped: Promise<SectionInflater | undefined> | undefined;
    const also: Promise<SectionInflater | undefined>[] = [];
    for (const name of PRELOADED_SECTIONS) {
      let s;
      try {
        s = elf.debugSection(name);
      } catch {
        s = undefined;
      }
      if (!s) continue;
      if (options.infoInSteps && host.inflateInSteps) {
        if (name === '.debug_info') {
          // Inflated in the steps the caller asks for (none yet), once read.
          stepped = elf.inflateInSteps(s, host.inflateInSteps.bind(host));
          continue;
        }
        if (name === '.debug_abbrev' || name === '.debug_line') {
          // Likewise: the units read their tables while they come in, each brought in as far as it is needed.
          also.push(elf.inflateInSteps(s, host.inflateInSteps.bind(host)));
          continue;
        }
        // Read right away (the steps' ends come from it), before a thread-pool copy could be in.
        if (name === '.debug_aranges') continue;
      }
      let handed!: () => void;
      const called = new Promise<void>((resolve) => (handed = resolve));
      const load = elf.preloadSection(s, (data, size, format) => {
        handed();
        return decode(data, size, format);
      });
      loads.push(load);
      decoding.push(Promise.race([called, load]));
    }
    const tables = stepped && Promise.all(also).then((t) => t.filter((x): x is SectionInflater => x !== undefined));
    return { done: Promise.all(loads).then(() => undefined), decoding: Promise.all(decoding).then(() => undefined), info: stepped, tables };
  }

  /** The module's DWARF, located on the first call (undefined when there is none anywhere). */
  async dwarf(): Promise<DwarfSource | undefined> {
    if (this.dwarfReady !== undefined) return this.dwarfReady ?? undefined;
    this.dwarfState ??= this.locateDwarf();
    this.dwarfReady = await this.dwarfState;
    return this.dwarfReady ?? undefined;
  }

  /** The Go pclntab of the module itself (undefined when it has none, or a damaged one). */
  goSymbols(): GoSymbols | undefined {
    if (this.goState === undefined) {
      this.goState = null;
      const elf = this.elf;
      if (elf) {
        try {
          this.goState = openGoSymbols(goImage(elf)) ?? null;
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          this.settings.onError(e, this);
        }
      }
    }
    return this.goState ?? undefined;
  }

  /**
   * False when the symbol table shows that `address` lies outside Go's text
   * (see goTextRange), so the pclntab cannot hold it and need not be read
   * (9 MB in the docker CLI) to find that out; true otherwise.
   */
  mayBeGo(address: bigint): boolean {
    if (this.goText === undefined) {
      this.goText = null;
      const elf = this.elf;
      try {
        if (elf) this.goText = goTextRange(elf) ?? null;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }
    return this.goText === null || (address >= this.goText.start && address < this.goText.end);
  }

  private goText?: { readonly start: bigint; readonly end: bigint } | null;

  /** The symbol index: `.symtab`, else `.dynsym`, with MiniDebugInfo's symbols when the module has them. */
  async symbols(): Promise<SymbolIndex> {
    if (this.symbolReady) return this.symbolReady;
    this.symbolState ??= this.indexSymbols().then((index) => {
      // A cache file whose symbol index does not fit the tables is damaged: none of it is used, and the next fill rewrites it.
      if (this.cachedSymbols && !index.adopt(this.cachedSymbols) && this.dwarfReady) this.dwarfReady.cached = undefined;
      return index;
    });
    return (this.symbolReady = await this.symbolState);
  }

  /** The call-frame tables an unwinder needs (`.eh_frame`, `.eh_frame_hdr`, `.debug_frame`, the pclntab). */
  async unwindTables(): Promise<UnwindTables> {
    const elf = this.elf;
    if (!elf) return {};
    const own = (name: string, from: ElfFile = elf): LoadedSection | undefined => {
      try {
        const s = from.section(name) ?? (name.startsWith('.debug_') ? from.debugSection(name) : undefined);
        return s && s.type !== C.SHT_NOBITS ? { name, address: s.addr, data: from.sectionData(s) } : undefined;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.settings.onError(e, this);
        return undefined;
      }
    };
    let debugFrame = own('.debug_frame');
    if (!debugFrame) {
      await this.dwarf();
      const other = this.foundDwarf?.elf;
      if (other && other !== elf) debugFrame = own('.debug_frame', other);
    }
    return { ehFrame: own('.eh_frame'), ehFrameHdr: own('.eh_frame_hdr'), debugFrame, go: this.goSymbols() };
  }

  /**
   * Opens the `.dwo`/`.dwp` files that may hold the split unit of the unit
   * covering `address` (file address), so the synchronous lookup finds them.
   */
  async prepare(address: bigint): Promise<void> {
    const d = this.dwarfReady;
    if (!d) return;
    const unit = d.unitAt(address);
    if (!unit || !d.needsSplit(unit) || this.prepared.has(unit)) return;
    this.prepared.add(unit);
    let root;
    try {
      root = unit.root();
    } catch {
      return;
    }
    const paths: string[] = [];
    if (root.dwoName) paths.push(...dwoCandidates(root.dwoName, root.compDir, this.path));
    paths.push(...(this.settings.dwp ? [this.settings.dwp] : dwpCandidates(this.path)));
    const wanted = this.files.host.candidates ? this.files.host.candidates({ binary: this.path, kind: 'dwo' }, paths) : paths;
    for (const p of wanted) if (!this.files.tried(p)) await this.files.open(p);
  }

  private async locateDwarf(): Promise<DwarfSource | null> {
    const o = this.opened;
    if (!o) return null;
    const search = dwarfSearch(o.elf, this.path, {
      debugFileDirectory: this.settings.debugFileDirectories ? [...this.settings.debugFileDirectories] : undefined,
      fetch: this.settings.fetch,
      candidates: this.files.host.candidates && ((kind, defaults) => this.files.host.candidates!({ binary: this.path, kind }, defaults)),
    });
    let step;
    try {
      step = search.next();
      while (!step.done) {
        const r = step.value;
        let answer: FoundDebugFile | undefined;
        if (r.kind === 'open') answer = await this.files.open(r.path);
        else answer = await this.files.fetch(r.buildId);
        step = search.next(answer);
      }
    } catch (e) {
      // DWARF that cannot be opened at all (a .debug_info that does not inflate): reported, and the pclntab and symbols answer.
      if (!(e instanceof ParseError)) throw e;
      this.settings.onError(e, this);
      return null;
    }
    const found = step.value;
    if (!found) return null;
    this.foundDwarf = found;
    this.split = new SplitResolver(this.files.syncHost(), this.path, this.settings.dwp);
    const split = this.split;
    const source = new DwarfSource(found.dwarf, {
      tombstones: this.tombstones,
      onError: (e) => this.settings.onError(e, this),
      split: { splitUnit: (u) => split.splitUnit(u)?.unit },
    });
    await this.fromCache(source, found);
    return source;
  }

  private async indexSymbols(): Promise<SymbolIndex> {
    const elf = this.elf;
    if (!elf) return SymbolIndex.of(undefined);
    let mini: ElfFile | undefined;
    const hasSymtab = elf.symbolTables('symtab').some((s) => s.size > 0);
    if (!hasSymtab && this.settings.debugFileSymbols) {
      await this.dwarf();
      const other = this.foundDwarf?.elf;
      if (other && other !== elf && other.symbolTables('symtab').some((s) => s.size > 0)) return SymbolIndex.of(other);
    }
    if (!hasSymtab) {
      try {
        mini = await openMiniDebugInfo(elf, this.files.host);
      } catch (e) {
        if (e instanceof ParseError) this.settings.onError(e, this);
        mini = undefined;
      }
    }
    return SymbolIndex.of(elf, mini);
  }
}

/** FNV-1a of `s`, 32 bits in hex (the cache file's name; the file holds the full key). */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
