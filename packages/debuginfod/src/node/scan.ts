import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileSource, nodeDecompressors as elfDecompressors } from '@elfkit/symbolize/node';
import { DebugIndex, type IndexedFile, type SourceFinder } from '../debug-index.js';
import { ElfFile } from '@elfkit/elf';
import { hasElfMagic, readElfRecord } from '../elf-record.js';
import { sourceNames } from '../source-names.js';
import { canonicalPath } from '../source-path.js';
import { DEFAULT_MEMBER_LIMIT } from './capture.js';
import { ScannedFile } from './scanned-file.js';
import { fileBlob } from './file-blob.js';
import { directorySourceFinder } from './source-finders.js';

/** The source names of the debug file at `path`. */
function sourcesOfFile(path: string): ReadonlyMap<string, string | undefined> {
  const src = new FileSource(path);
  try {
    return sourceNames(ElfFile.parse(src, { decompressors: elfDecompressors }));
  } finally {
    src.close();
  }
}

/** An ELF file on disk as a scan left it. */
export interface KnownFile {
  /** Its size when scanned. */
  readonly size: number;
  /** Its modification time when scanned: a file with the same size and time is not read again. */
  readonly mtimeMs: number;
  /** What the index holds for it. */
  readonly file: IndexedFile;
}

/** Options for {@link scanRoots}. */
export interface ScanOptions {
  /** Largest archive or image member read into memory to be indexed (default 512 MiB). */
  readonly memberLimit?: number;
  /** The previous scan's files: one whose size and mtime have not changed is not read again. */
  readonly previous?: ScanResult;
  /** Called for each file the scan reads, by source kind (metrics). */
  readonly onScanned?: (source: 'file' | 'archive' | 'image', bytes: number) => void;
}

/** A finished scan: the index and what must stay open while it serves. */
export interface ScanResult {
  readonly index: DebugIndex;
  /** The ELF files on disk it indexed, by path (for the next scan). */
  readonly files: ReadonlyMap<string, KnownFile>;
  /** Files and members that could not be indexed, one line each. */
  readonly problems: readonly string[];
  /** Closes the images the index serves from. */
  close(): Promise<void>;
}

const ARCHIVE_NAME = /\.(tar|tgz|tar\.gz|tar\.zst|tar\.zstd|oci|ociarchive)$/i;

function isLayoutDir(dir: string): boolean {
  return existsSync(join(dir, 'oci-layout')) && existsSync(join(dir, 'index.json'));
}

function isTarHeader(b: Uint8Array): boolean {
  return b.length >= 262 && b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72; // "ustar"
}

function isCompressed(b: Uint8Array): boolean {
  return (b[0] === 0x1f && b[1] === 0x8b) || (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd);
}

/**
 * Indexes the given paths: directories (walked; symlinks are not followed,
 * as elfutils' `-F` scanner does without `-L`), OCI layout directories,
 * ELF files, tar archives (found by their header, or by name when
 * compressed) and container image archives. Sources are served from the
 * directory roots and from the archive or image that holds a debug file.
 */
export async function scanRoots(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const index = new DebugIndex();
  const problems: string[] = [];
  const images: { close(): Promise<void> }[] = [];
  const memberLimit = options.memberLimit ?? DEFAULT_MEMBER_LIMIT;
  const roots = paths.map((p) => canonicalPath(resolve(p)));
  const dirRoots = roots.filter((r) => statSync(r, { throwIfNoEntry: false })?.isDirectory() && !isLayoutDir(r));
  const dirSources: SourceFinder = dirRoots.length ? directorySourceFinder(dirRoots) : async () => undefined;

  const image = async (path: string, mtimeMs: number) => {
    // The image and tar readers load only when a scan meets an archive.
    const { indexImage } = await import('./image-archive.js');
    const r = await indexImage(path, mtimeMs, index, dirSources, memberLimit);
    images.push(r.opened);
    problems.push(...r.problems);
    index.counts.images++;
    options.onScanned?.('image', 0);
  };
  const archive = async (path: string, h: { bytes: Uint8Array; size: number; mtimeMs: number }) => {
    // An image archive (oci-archive, docker save) is read as an image; any other tar member by member.
    try {
      await image(path, h.mtimeMs);
      return;
    } catch {
      // not an image
    }
    try {
      const { indexTarArchive } = await import('./tar-archive.js');
      const r = await indexTarArchive(path, h.mtimeMs, index, dirSources, memberLimit);
      problems.push(...r.problems);
      index.counts.archives++;
      options.onScanned?.('archive', h.size);
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
    }
  };
  const files = new Map<string, KnownFile>();
  const file = async (path: string, named: boolean) => {
    const known = options.previous?.files.get(path);
    if (known) {
      const st = statSync(path, { throwIfNoEntry: false });
      if (st && st.size === known.size && st.mtimeMs === known.mtimeMs) {
        index.counts.files++;
        index.add(known.file);
        files.set(path, known);
        return;
      }
    }
    let src: ScannedFile;
    try {
      src = new ScannedFile(path);
    } catch {
      return;
    }
    let h: { bytes: Uint8Array; size: number; mtimeMs: number };
    try {
      index.counts.files++;
      h = { bytes: src.read(0, Math.min(512, src.size)), size: src.size, mtimeMs: src.mtimeMs };
      if (hasElfMagic(h.bytes)) {
        // The DWARF's source names are read when a source is first asked for: most files are never asked.
        const record = readElfRecord(src, { decompressors: elfDecompressors, sources: false });
        if (record) {
          const f: IndexedFile = { blob: fileBlob(path, h.size, h.mtimeMs), record, findSource: dirSources, loadSources: async () => sourcesOfFile(path) };
          index.add(f);
          files.set(path, { size: h.size, mtimeMs: h.mtimeMs, file: f });
        }
        options.onScanned?.('file', h.size);
        return;
      }
    } catch {
      return;
    } finally {
      src.close();
    }
    if (isTarHeader(h.bytes) || (isCompressed(h.bytes) && (named || ARCHIVE_NAME.test(path)))) await archive(path, h);
  };
  const walk = async (dir: string) => {
    if (isLayoutDir(dir)) {
      try {
        await image(dir, statSync(dir).mtimeMs);
      } catch (e) {
        problems.push(`${dir}: ${(e as Error).message}`);
      }
      return;
    }
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push(`${dir}: ${(e as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) await file(p, false);
    }
  };
  for (const root of roots) {
    const st = statSync(root, { throwIfNoEntry: false });
    if (!st) problems.push(`${root}: no such file or directory`);
    else if (st.isDirectory()) await walk(root);
    else if (st.isFile()) await file(root, true);
  }
  return {
    index,
    files,
    problems,
    close: async () => {
      await Promise.all(images.splice(0).map((i) => i.close().catch(() => {})));
    },
  };
}
