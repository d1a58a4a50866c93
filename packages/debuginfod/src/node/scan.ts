import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileSource, nodeDecompressors as elfDecompressors } from '@elfkit/symbolize/node';
import { DebugIndex, type SourceFinder } from '../debug-index.js';
import { hasElfMagic, readElfRecord } from '../elf-record.js';
import { canonicalPath } from '../source-path.js';
import { DEFAULT_MEMBER_LIMIT } from './capture.js';
import { fileBlob } from './file-blob.js';
import { indexImage } from './image-archive.js';
import { directorySourceFinder } from './source-finders.js';
import { indexTarArchive } from './tar-archive.js';

/** Options for {@link scanRoots}. */
export interface ScanOptions {
  /** Largest archive or image member read into memory to be indexed (default 512 MiB). */
  readonly memberLimit?: number;
  /** Called for each file the scan reads, by source kind (metrics). */
  readonly onScanned?: (source: 'file' | 'archive' | 'image', bytes: number) => void;
}

/** A finished scan: the index and what must stay open while it serves. */
export interface ScanResult {
  readonly index: DebugIndex;
  /** Files and members that could not be indexed, one line each. */
  readonly problems: readonly string[];
  /** Closes the images the index serves from. */
  close(): Promise<void>;
}

const ARCHIVE_NAME = /\.(tar|tgz|tar\.gz|tar\.zst|tar\.zstd|oci|ociarchive)$/i;

function isLayoutDir(dir: string): boolean {
  return existsSync(join(dir, 'oci-layout')) && existsSync(join(dir, 'index.json'));
}

/** The first bytes of a file, and its size and mtime; undefined when it cannot be read. */
function head(path: string): { bytes: Uint8Array; size: number; mtimeMs: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const bytes = new Uint8Array(Math.min(512, st.size));
    const n = readSync(fd, bytes, 0, bytes.length, 0);
    return { bytes: bytes.subarray(0, n), size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
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
      const r = await indexTarArchive(path, h.mtimeMs, index, dirSources, memberLimit);
      problems.push(...r.problems);
      index.counts.archives++;
      options.onScanned?.('archive', h.size);
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
    }
  };
  const file = async (path: string, named: boolean) => {
    const h = head(path);
    if (!h) return;
    index.counts.files++;
    if (hasElfMagic(h.bytes)) {
      let src: FileSource;
      try {
        src = new FileSource(path);
      } catch {
        return;
      }
      try {
        const record = readElfRecord(src, { decompressors: elfDecompressors });
        if (record) index.add({ blob: fileBlob(path, h.size, h.mtimeMs), record, findSource: dirSources });
      } finally {
        src.close();
      }
      options.onScanned?.('file', h.size);
      return;
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
    problems,
    close: async () => {
      await Promise.all(images.splice(0).map((i) => i.close().catch(() => {})));
    },
  };
}
