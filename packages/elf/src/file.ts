import { ParseError, isParseError, readRange, toByteSource, decodeUtf8, type ByteSource } from '@elfkit/binary';
import * as C from './constants.js';
import { checkCompression, corruptStream, decompressSection, defaultDecompressors, MAX_RATIO, readCompressionHeader, readZdebugHeader, sizeMismatch, SLACK, type Decompressors, type SectionCompression } from './compression.js';
import { STRING_TAGS, type DynamicEntry } from './dynamic.js';
import { readHeader, type ElfHeader } from './header.js';
import type { ElfLayouts } from './layouts.js';
import { sectionToSegmentMapping } from './mapping.js';
import { decodeNote, parseNotes, type Note, type NoteContent } from './notes.js';
import { readRelocationTable, type RelocationTable } from './relocations.js';
import { readSections, type Section } from './section.js';
import type { SectionInflater } from './section-inflater.js';
import { readSegments, type Segment } from './segment.js';
import { StringTable } from './strtab.js';
import { SymbolTable, type ElfSymbol } from './symbols.js';

/** Options for {@link ElfFile.parse}. */
export interface ElfFileOptions {
  /** Decoders for compressed sections; defaults to pure-JS fflate and fzstd. */
  decompressors?: Partial<Decompressors>;
  /**
   * Read a damaged file as far as it goes, as readelf does: a section or
   * program header table that cannot be read reads as empty (the program
   * headers of a file whose section headers are garbage still list), and
   * its ParseError goes to {@link ElfFile.warnings}. Without it, those
   * reads throw.
   */
  lenient?: boolean;
}

/** Called with each damaged part a reader steps over instead of stopping. */
export type ErrorSink = (e: ParseError) => void;

/**
 * An ELF file (ELF32 or ELF64, either byte order) read lazily from bytes or
 * a random-access {@link ByteSource}.
 *
 * Parsing reads only the file header; the section and program header
 * tables, symbol tables, notes and section data are read on first use and
 * kept. Anything malformed throws {@link ParseError} naming where; problems
 * that do not stop the rest (an out-of-range section name) are collected in
 * {@link warnings}.
 */
export class ElfFile {
  /** Where the bytes come from. */
  readonly source: ByteSource;
  /** The file header, with extended numbering resolved. */
  readonly header: ElfHeader;
  /** Record layouts for this class and byte order. */
  readonly layouts: ElfLayouts;
  /** Non-fatal problems found so far. */
  readonly warnings: ParseError[] = [];
  private readonly decompressors: Decompressors;
  private readonly lenient: boolean;
  private sectionList?: Section[];
  private segmentList?: Segment[];
  private readonly dataCache = new Map<number, Uint8Array>();
  private readonly strtabCache = new Map<number, StringTable>();
  private readonly symbolCache = new Map<number, ElfSymbol[]>();
  private readonly symtabCache = new Map<number, SymbolTable>();
  private byName?: Map<string, Section>;

  private constructor(source: ByteSource, options: ElfFileOptions) {
    this.source = source;
    this.lenient = options.lenient ?? false;
    const { header, layouts, damage } = readHeader(source, this.lenient);
    this.header = header;
    this.layouts = layouts;
    this.headerDamage = damage;
    this.decompressors = { ...defaultDecompressors, ...options.decompressors };
  }

  private readonly headerDamage: { sections?: ParseError; segments?: ParseError };

  /**
   * In a lenient read, why a header table came back empty although the file
   * header names one (undefined when it read, or the file has none).
   */
  readonly tableErrors: { sections?: ParseError; segments?: ParseError } = {};

  /** `read()`, or (lenient) an empty table with the ParseError kept in warnings and {@link tableErrors}. */
  private table<T>(kind: 'sections' | 'segments', read: () => T[]): T[] {
    const early = this.headerDamage[kind];
    if (early) {
      this.tableErrors[kind] = early;
      if (!this.warnings.includes(early)) this.warnings.push(early);
      return [];
    }
    if (!this.lenient) return read();
    try {
      return read();
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.warnings.push(e);
      this.tableErrors[kind] = e;
      return [];
    }
  }

  /** Reads the file header of `input` (bytes or a random-access source). Throws ParseError if it is not ELF. */
  static parse(input: Uint8Array | ByteSource, options: ElfFileOptions = {}): ElfFile {
    return new ElfFile(toByteSource(input), options);
  }

  /** 32 or 64. */
  get bits(): 32 | 64 {
    return this.header.bits;
  }

  /** Section headers (empty when the file has none). Index 0 is the null section. */
  get sections(): readonly Section[] {
    if (!this.sectionList) {
      this.sectionList = this.table('sections', () => {
        const { sections, warnings } = readSections(this.source, this.header, this.layouts);
        this.warnings.push(...warnings);
        return sections;
      });
    }
    return this.sectionList;
  }

  /** Program headers. */
  get segments(): readonly Segment[] {
    this.segmentList ??= this.table('segments', () => readSegments(this.source, this.header, this.layouts, this.warnings));
    return this.segmentList;
  }

  /** The first section called `name`. */
  section(name: string): Section | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (const s of this.sections) if (!this.byName.has(s.name)) this.byName.set(s.name, s);
    }
    return this.byName.get(name);
  }

  /**
   * A DWARF section by its standard name, falling back to the legacy
   * compressed `.zdebug_*` spelling.
   */
  debugSection(name: string): Section | undefined {
    return this.section(name) ?? (name.startsWith('.debug_') ? this.section('.zdebug_' + name.slice(7)) : undefined);
  }

  /** The section's bytes as stored in the file (compressed if it is); empty for SHT_NOBITS. */
  rawSectionData(s: Section): Uint8Array {
    if (s.type === C.SHT_NOBITS || s.type === C.SHT_NULL) return new Uint8Array(0);
    if (!(s.offset + s.size <= this.source.size)) {
      // The damage is in the section header: name it, not a place past the end of the file.
      const what = `section ${s.index} (${s.label}) data (0x${s.size.toString(16)} bytes at 0x${s.offset.toString(16)}) extends past the end of the file (0x${this.source.size.toString(16)} bytes)`;
      throw new ParseError('truncated', what, 'file', this.header.shoff + s.index * this.header.shentsize);
    }
    return readRange(this.source, s.offset, s.size, `section ${s.index} (${s.name}) data`, 'file');
  }

  /** How `s` is compressed (SHF_COMPRESSED or `.zdebug_*`), or undefined. */
  compression(s: Section): SectionCompression | undefined {
    if (s.type === C.SHT_NOBITS) return undefined;
    if (s.flags & C.SHF_COMPRESSED) {
      const head = readRange(this.source, s.offset, Math.min(s.size, this.layouts.chdr.size), `section ${s.label} compression header`);
      return readCompressionHeader(head, this.layouts, s.label);
    }
    if (s.name.startsWith('.zdebug')) {
      const head = readRange(this.source, s.offset, Math.min(s.size, 12), `section ${s.label} compression header`);
      return readZdebugHeader(head, s.label);
    }
    return undefined;
  }

  /**
   * The section's contents: raw bytes, decompressed when the section is
   * SHF_COMPRESSED (zlib, zstd) or a legacy `.zdebug_*` (zlib), empty for
   * SHT_NOBITS. Cached.
   */
  sectionData(s: Section): Uint8Array {
    let d = this.dataCache.get(s.index);
    if (d) return d;
    // A section inflated in steps is finished here; a bad stream is inflated (and reported) below.
    const inSteps = this.stepped.get(s.index);
    if (inSteps) {
      this.stepped.delete(s.index);
      d = inSteps.finish();
      if (d) {
        this.dataCache.set(s.index, d);
        return d;
      }
    }
    const raw = this.rawSectionData(s);
    const c = s.type === C.SHT_NOBITS ? undefined : s.flags & C.SHF_COMPRESSED ? readCompressionHeader(raw, this.layouts, s.label) : s.name.startsWith('.zdebug') ? readZdebugHeader(raw, s.label) : undefined;
    d = c ? decompressSection(raw, c, s.label, this.decompressors) : raw;
    this.dataCache.set(s.index, d);
    return d;
  }

  /**
   * The section's contents as {@link sectionData} gives them, in pieces
   * from front to back, for a reader that walks a large section once and
   * need not hold all of it (a size tool reading `.debug_info` unit by
   * unit): nothing is cached, stored bytes are read `chunkSize` at a time,
   * and a zlib-compressed section is inflated as it is read where the
   * decompressors can stream ({@link Decompressors.zlibStream}); otherwise
   * (zstd, no streaming inflater) it comes as one piece. A section already
   * loaded comes as that one piece. Throws what sectionData throws for the
   * same damage, once the pieces before it have been yielded.
   */
  *sectionChunks(s: Section, chunkSize = 1 << 18): Generator<Uint8Array> {
    const cached = this.dataCache.get(s.index);
    if (cached) {
      yield cached;
      return;
    }
    if (s.type === C.SHT_NOBITS || s.type === C.SHT_NULL) return;
    const c = this.compression(s);
    const inflater = c && c.format !== 'zstd' ? this.decompressors.zlibStream?.() : undefined;
    if (c && !inflater) {
      // No streaming decoder: the whole section at once, not kept.
      const raw = this.rawSectionData(s);
      yield decompressSection(raw, c, s.label, this.decompressors);
      return;
    }
    if (!(s.offset + s.size <= this.source.size)) this.rawSectionData(s); // throws the truncation error
    const start = s.offset + (c ? c.headerSize : 0);
    const end = s.offset + s.size;
    if (!c || !inflater) {
      for (let at = start; at < end; at += chunkSize) yield readRange(this.source, at, Math.min(chunkSize, end - at), `section ${s.index} (${s.name}) data`, 'file');
      return;
    }
    try {
      checkCompression(c, end - start, s.label);
      let total = 0;
      for (let at = start; at < end || at === start; at += chunkSize) {
        const input = readRange(this.source, at, Math.min(chunkSize, end - at), `section ${s.index} (${s.name}) data`, 'file');
        let pieces: Uint8Array[];
        try {
          pieces = inflater.push(input, at + chunkSize >= end);
        } catch (e) {
          throw corruptStream(c, s.label, e);
        }
        for (const p of pieces) {
          total += p.length;
          if (total > c.size) throw sizeMismatch(c, total, s.label);
          yield p;
        }
        if (at >= end) break;
      }
      if (total !== c.size) throw sizeMismatch(c, total, s.label);
    } finally {
      inflater.close();
    }
  }

  /**
   * Decompresses `s` with an asynchronous decoder (a thread pool, a worker)
   * and keeps the bytes for {@link sectionData}, so a caller can inflate
   * the large sections it will need while it does other work. `decode` gets
   * the compressed stream, the declared size and the stream's format
   * (`zlib` for `.zdebug_*` too); it resolves to undefined for a format it
   * cannot decode. A section that is not compressed or already loaded is
   * left alone. Never rejects: whatever goes wrong (a corrupt stream, a size
   * that does not match) is left for {@link sectionData} to find and report.
   */
  async preloadSection(s: Section, decode: (data: Uint8Array, size: number, format: 'zlib' | 'zstd') => Promise<Uint8Array | undefined>): Promise<void> {
    if (this.dataCache.has(s.index)) return;
    try {
      const c = this.compression(s);
      if (!c || c.format === 'unknown') return;
      // Read on the source's own thread where it can (a file on Node's thread pool): the caller goes on meanwhile.
      const inFile = s.offset + s.size <= this.source.size;
      const raw = this.source.readAsync && inFile ? await this.source.readAsync(s.offset, s.size) : this.rawSectionData(s);
      if (raw.length !== s.size) return;
      const payload = raw.subarray(c.headerSize);
      if (c.size > payload.length * MAX_RATIO + SLACK) return;
      const d = await decode(payload, c.size, c.format === 'zstd' ? 'zstd' : 'zlib');
      // A sectionData call while this ran has cached its own copy, which its readers hold: keep that one.
      if (d && d.length === c.size && !this.dataCache.has(s.index)) this.dataCache.set(s.index, d);
    } catch {
      // sectionData decodes it again and reports the problem where it is read.
    }
  }

  /**
   * Starts inflating compressed section `s` in steps (see
   * {@link SectionInflater}) with the decoder `start` makes for its stream
   * (given the compressed stream, the declared size and the format; it
   * returns undefined for one it cannot decode), and resolves to the
   * inflater, which {@link steppedSection} gives from then on. Nothing
   * happens (undefined) for a section that is not compressed, is loaded
   * already or cannot be read; whatever is wrong is found and reported by
   * {@link sectionData}, which finishes a stepped section where it is called.
   */
  async inflateInSteps(s: Section, start: (data: Uint8Array, size: number, format: 'zlib' | 'zstd') => SectionInflater | undefined): Promise<SectionInflater | undefined> {
    const had = this.stepped.get(s.index);
    if (had || this.dataCache.has(s.index)) return had;
    try {
      const c = this.compression(s);
      if (!c || c.format === 'unknown') return undefined;
      const inFile = s.offset + s.size <= this.source.size;
      const raw = this.source.readAsync && inFile ? await this.source.readAsync(s.offset, s.size) : this.rawSectionData(s);
      if (raw.length !== s.size || this.dataCache.has(s.index) || this.stepped.has(s.index)) return this.stepped.get(s.index);
      const payload = raw.subarray(c.headerSize);
      if (c.size > payload.length * MAX_RATIO + SLACK) return undefined;
      const inflater = start(payload, c.size, c.format === 'zstd' ? 'zstd' : 'zlib');
      if (inflater) this.stepped.set(s.index, inflater);
      return inflater;
    } catch {
      return undefined;
    }
  }

  /** The inflater of `s` while it is inflated in steps (see {@link inflateInSteps}); undefined once it is whole or when it never was. */
  steppedSection(s: Section): SectionInflater | undefined {
    return this.stepped.get(s.index);
  }

  private readonly stepped = new Map<number, SectionInflater>();

  /** The section `s.sh_link` names; throws ParseError when it is not a section. */
  linkedSection(s: Section): Section {
    const l = s.link !== 0 ? this.sections[s.link] : undefined;
    if (!l) throw new ParseError('out-of-range', `section ${s.index} (${s.name}) links to section ${s.link}, which does not exist`, 'file', this.header.shoff + s.index * this.header.shentsize);
    return l;
  }

  /** The string table in section `s`. */
  stringTable(s: Section): StringTable {
    let t = this.strtabCache.get(s.index);
    if (!t) {
      t = new StringTable(this.sectionData(s), s.label);
      this.strtabCache.set(s.index, t);
    }
    return t;
  }

  /** The file bytes of segment `p` (p_filesz of them). */
  segmentData(p: Segment): Uint8Array {
    if (!(p.offset + p.filesz <= this.source.size)) {
      const what = `segment ${p.index} data (0x${p.filesz.toString(16)} bytes at 0x${p.offset.toString(16)}) extends past the end of the file (0x${this.source.size.toString(16)} bytes)`;
      throw new ParseError('truncated', what, 'file', this.header.phoff + p.index * this.header.phentsize);
    }
    return readRange(this.source, p.offset, p.filesz, `segment ${p.index} data`);
  }

  /** Symbol tables: `.symtab` (SHT_SYMTAB) or `.dynsym` (SHT_DYNSYM). */
  symbolTables(kind: 'symtab' | 'dynsym' | 'all' = 'all'): Section[] {
    return this.sections.filter((s) => (s.type === C.SHT_SYMTAB && kind !== 'dynsym') || (s.type === C.SHT_DYNSYM && kind !== 'symtab'));
  }

  /** Random access to a symbol table section's entries, decoded on demand (cached). */
  symbolTable(s: Section): SymbolTable {
    let t = this.symtabCache.get(s.index);
    if (!t) {
      t = new SymbolTable(this, s);
      this.symtabCache.set(s.index, t);
    }
    return t;
  }

  /** The symbols of one symbol table section as objects (cached). */
  symbolsOf(s: Section): readonly ElfSymbol[] {
    let syms = this.symbolCache.get(s.index);
    if (!syms) {
      syms = this.symbolTable(s).toArray();
      this.symbolCache.set(s.index, syms);
    }
    return syms;
  }

  /** Symbols of the first `.symtab` (or `.dynsym` with `dynamic`); empty when there is none. */
  symbols(dynamic = false): readonly ElfSymbol[] {
    const t = this.symbolTables(dynamic ? 'dynsym' : 'symtab')[0];
    return t ? this.symbolsOf(t) : [];
  }

  /** The first symbol named `name` in `.symtab`, then `.dynsym`. */
  symbol(name: string): ElfSymbol | undefined {
    return this.symbols(false).find((s) => s.name === name) ?? this.symbols(true).find((s) => s.name === name);
  }

  /** For each segment, the indexes of its sections, as `readelf -l`'s mapping. */
  sectionToSegmentMapping(): number[][] {
    return sectionToSegmentMapping(this.sections, this.segments);
  }

  /**
   * Every note: from SHT_NOTE sections when the file has section headers,
   * else from PT_NOTE segments (as readelf -n). With `onError`, a damaged
   * note section or segment is reported there and the others are still
   * read (the notes before the damage in it too); without, it throws.
   */
  notes(onError?: ErrorSink): Note[] {
    if (this.sections.length === 0) return this.segmentNotes(onError);
    const out: Note[] = [];
    for (const s of this.sections) {
      if (s.type !== C.SHT_NOTE) continue;
      collect(out, onError, (into) => parseNotes(this.sectionData(s), this.header.order, s.addralign, { section: s.name, label: s.label, fileOffset: s.offset }, into));
    }
    return out;
  }

  /** Notes found through PT_NOTE segments only (what the loader and `dl_iterate_phdr` see); `onError` as in {@link notes}. */
  segmentNotes(onError?: ErrorSink): Note[] {
    const out: Note[] = [];
    for (const p of this.segments) {
      if (p.type !== C.PT_NOTE || p.filesz === 0) continue;
      collect(out, onError, (into) => parseNotes(this.segmentData(p), this.header.order, p.align, { segment: p.index, fileOffset: p.offset }, into));
    }
    return out;
  }

  /** Decodes what elfkit knows of a note's descriptor. */
  decodeNote(note: Note): NoteContent {
    return decodeNote(note, this.header.order, this.header.bits, this.header.machine);
  }

  /** The GNU build id (lowercase hex) from `.note.gnu.build-id` or any GNU note; undefined when absent. */
  buildId(): string | undefined {
    for (const n of this.notesSafe()) {
      if (n.owner === 'GNU' && n.type === C.NT_GNU_BUILD_ID) {
        const c = this.decodeNote(n);
        if (c.kind === 'gnu-build-id') return c.buildId;
      }
    }
    return undefined;
  }

  /** The Go build id note (`.note.go.buildid`); undefined when absent. */
  goBuildId(): string | undefined {
    for (const n of this.notesSafe()) {
      if (n.owner === 'Go' && n.type === C.NT_GO_BUILD_ID) {
        const c = this.decodeNote(n);
        if (c.kind === 'go-build-id') return c.buildId;
      }
    }
    return undefined;
  }

  private notesSafe(): Note[] {
    // Build ids live in small, early notes; reading them through segments too
    // keeps them reachable in files whose section headers were removed.
    // A damaged note elsewhere does not hide the build id (the notes listing reports it).
    const skip = () => {};
    return this.sections.length > 0 ? this.notes(skip) : this.segmentNotes(skip);
  }

  /** PT_INTERP's path, or undefined. */
  interpreter(): string | undefined {
    const p = this.segments.find((s) => s.type === C.PT_INTERP);
    if (!p) return undefined;
    const d = this.segmentData(p);
    const nul = d.indexOf(0);
    return decodeUtf8(d, 0, nul < 0 ? d.length : nul);
  }

  /**
   * The dynamic section's entries, up to and including the first DT_NULL
   * (readelf's count); undefined when the file has none. Read from PT_DYNAMIC
   * (what the loader uses), or from the SHT_DYNAMIC section when there are
   * no program headers. With `onError`, a string table that cannot be read
   * is reported there and the entries come without their strings.
   */
  dynamic(onError?: ErrorSink): DynamicEntry[] | undefined {
    // As readelf: with section headers the .dynamic section locates the
    // entries (a NOBITS one, as in a separate debug file, means there are
    // none); without them, the PT_DYNAMIC segment does.
    const sec = this.sections.find((s) => s.type === C.SHT_DYNAMIC) ?? this.sections.find((s) => s.name === '.dynamic');
    let data: Uint8Array;
    let label: string;
    if (sec) {
      if (sec.type === C.SHT_NOBITS) return undefined;
      data = this.sectionData(sec);
      label = sec.label;
    } else {
      const seg = this.segments.find((p) => p.type === C.PT_DYNAMIC);
      if (!seg) return undefined;
      data = this.segmentData(seg);
      label = 'PT_DYNAMIC';
    }
    const layout = this.layouts.dyn;
    const count = Math.floor(data.length / layout.size);
    const raws = layout.readArray(data, 0, count, label);
    const entries: { tag: bigint; value: bigint }[] = [];
    for (const r of raws) {
      const tag = BigInt(r.d_tag);
      entries.push({ tag, value: BigInt(r.d_val) });
      if (tag === 0n) break;
    }
    let strtab: StringTable | undefined;
    collect([], onError, () => void (strtab = this.dynamicStringTable(sec, entries)));
    return entries.map((e) => (STRING_TAGS.has(e.tag) ? { ...e, string: strtab ? strtab.tryGet(Number(e.value)) : undefined } : e));
  }

  private dynamicStringTable(sec: Section | undefined, entries: { tag: bigint; value: bigint }[]): StringTable | undefined {
    // The loader finds strings through DT_STRTAB/DT_STRSZ; fall back to the section's sh_link.
    const addr = entries.find((e) => e.tag === BigInt(C.DT_STRTAB))?.value;
    const size = entries.find((e) => e.tag === BigInt(C.DT_STRSZ))?.value;
    if (addr !== undefined && size !== undefined && size < BigInt(this.source.size)) {
      const bytes = this.readVirtual(addr, Number(size));
      if (bytes) return new StringTable(bytes, '.dynstr');
    }
    const link = sec ? this.sections[sec.link] : undefined;
    return link && link.type === C.SHT_STRTAB ? this.stringTable(link) : undefined;
  }

  /** Every SHT_REL, SHT_RELA and SHT_RELR section with its entries; with `onError`, a damaged table is reported there and the others still read. */
  relocationTables(onError?: ErrorSink): RelocationTable[] {
    const out: RelocationTable[] = [];
    for (const s of this.sections) {
      if (s.type !== C.SHT_REL && s.type !== C.SHT_RELA && s.type !== C.SHT_RELR) continue;
      collect(out, onError, (into) => void into.push(readRelocationTable(this, s)));
    }
    return out;
  }

  /**
   * `size` bytes at virtual address `vaddr`, through the PT_LOAD segments:
   * file bytes where the segment has them, zeros in its bss tail. Undefined
   * when the range is not entirely inside one PT_LOAD.
   */
  readVirtual(vaddr: bigint, size: number): Uint8Array | undefined {
    const end = vaddr + BigInt(size);
    for (const p of this.segments) {
      if (p.type !== C.PT_LOAD || vaddr < p.vaddr || end > p.vaddr + p.memsz) continue;
      const rel = Number(vaddr - p.vaddr);
      if (rel + size <= p.filesz) return readRange(this.source, p.offset + rel, size, `data at address 0x${vaddr.toString(16)}`);
      const out = new Uint8Array(size);
      if (rel < p.filesz) out.set(readRange(this.source, p.offset + rel, p.filesz - rel, `data at address 0x${vaddr.toString(16)}`));
      return out;
    }
    return undefined;
  }

  /** The PT_LOAD segment containing `vaddr`, if any. */
  loadSegmentAt(vaddr: bigint): Segment | undefined {
    return this.segments.find((p) => p.type === C.PT_LOAD && vaddr >= p.vaddr && vaddr < p.vaddr + p.memsz);
  }

  /** True when the file is a position-independent executable (ET_DYN with DF_1_PIE, or ET_DYN with PT_INTERP). */
  isPie(): boolean {
    if (this.header.type !== C.ET_DYN) return false;
    const flags1 = this.dynamic()?.find((e) => e.tag === BigInt(C.DT_FLAGS_1))?.value;
    if (flags1 !== undefined) return (flags1 & 0x8000000n) !== 0n;
    return false;
  }
}


/** Runs `read` (which appends to its argument); a ParseError goes to `onError` when there is one, keeping what was appended before it. */
function collect<T>(out: T[], onError: ErrorSink | undefined, read: (into: T[]) => void): void {
  if (!onError) return read(out);
  try {
    read(out);
  } catch (e) {
    if (!isParseError(e)) throw e;
    onError(e);
  }
}
