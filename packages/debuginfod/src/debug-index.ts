import type { Blob } from './blob.js';
import { subBlob } from './blob.js';
import type { ElfRecord } from './elf-record.js';
import * as C from '@elfkit/elf/constants';

/** Finds a source file inside the tree, archive or image that holds a debug file. */
export type SourceFinder = (path: string, underCompDir: string | undefined) => Promise<Blob | undefined>;

/** One indexed ELF file. */
export interface IndexedFile {
  readonly blob: Blob;
  readonly record: ElfRecord;
  /** Where its sources are looked for (its own container first). */
  readonly findSource?: SourceFinder;
  /** Reads the source names when the record does not have them (once; the index keeps the answer). */
  readonly loadSources?: () => Promise<ReadonlyMap<string, string | undefined>>;
}

/** What a build id has. */
export interface BuildIdEntry {
  debuginfo?: IndexedFile;
  executable?: IndexedFile;
}

/** The kinds of file the protocol serves. */
export type ArtifactType = 'debuginfo' | 'executable' | 'source' | 'section';

/**
 * Build id → executable and debug file, the server's whole knowledge. The
 * first file found for a role keeps it (a scan visits roots in the order
 * given), except that a file with a role of its own (a stripped executable,
 * an `--only-keep-debug` file) wins over an unstripped binary serving both.
 */
export class DebugIndex {
  private readonly byId = new Map<string, BuildIdEntry>();
  /** Files indexed, by kind of container. */
  readonly counts = { files: 0, archives: 0, images: 0, elf: 0 };

  /** Adds a file under its build id, in the roles its record gives it. */
  add(file: IndexedFile): void {
    const r = file.record;
    let e = this.byId.get(r.buildId);
    if (!e) this.byId.set(r.buildId, (e = {}));
    const better = (old: IndexedFile | undefined, other: 'executable' | 'debuginfo') => !old || (old.record[other] && !r[other]);
    if (r.debuginfo && better(e.debuginfo, 'executable')) e.debuginfo = file;
    if (r.executable && better(e.executable, 'debuginfo')) e.executable = file;
    this.counts.elf++;
  }

  /** How many build ids the index holds. */
  get size(): number {
    return this.byId.size;
  }

  /** Every build id the index holds. */
  buildIds(): IterableIterator<string> {
    return this.byId.keys();
  }

  /** The executable and debug file known for `buildId` (lowercase hex). */
  entry(buildId: string): BuildIdEntry | undefined {
    return this.byId.get(buildId);
  }

  /** The debug file or executable of a build id. */
  file(buildId: string, type: 'debuginfo' | 'executable'): Blob | undefined {
    return this.byId.get(buildId)?.[type]?.blob;
  }

  /**
   * A section's raw bytes (as stored, compressed or not), from the debug
   * file first and then the executable, skipping a file where the section
   * is missing or SHT_NOBITS — as elfutils does.
   */
  section(buildId: string, name: string): Blob | undefined {
    const e = this.byId.get(buildId);
    if (!e) return undefined;
    for (const f of [e.debuginfo, e.executable]) {
      if (!f) continue;
      const s = f.record.sections.find((x) => x.name === name);
      if (!s || s.type === C.SHT_NOBITS || s.offset + s.size > f.blob.size) continue;
      return subBlob(f.blob, s.offset, s.size);
    }
    return undefined;
  }

  /**
   * A source file of a build id: only a path its DWARF names (canonical
   * form), and only a file found inside the served trees.
   */
  async source(buildId: string, path: string): Promise<Blob | undefined> {
    const e = this.byId.get(buildId);
    if (!e) return undefined;
    for (const f of [e.debuginfo, e.executable]) {
      if (!f || !f.findSource || !f.record.debuginfo) continue;
      const names = await this.sourcesOf(f);
      if (!names.has(path)) continue;
      const b = await f.findSource(path, names.get(path));
      if (b) return b;
    }
    return undefined;
  }

  private readonly loaded = new Map<IndexedFile, Promise<ReadonlyMap<string, string | undefined>>>();

  /** A debug file's source names: from its record, or read on first use (scans of files on disk skip the DWARF). */
  sourcesOf(f: IndexedFile): Promise<ReadonlyMap<string, string | undefined>> {
    if (f.record.sources) return Promise.resolve(f.record.sources);
    let p = this.loaded.get(f);
    if (!p) {
      p = f.loadSources ? f.loadSources().catch(() => new Map()) : Promise.resolve(new Map());
      this.loaded.set(f, p);
    }
    return p;
  }
}
