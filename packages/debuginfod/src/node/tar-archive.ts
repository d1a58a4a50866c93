import { BytesSource } from '@elfkit/binary';
import { TarReader, cleanPath, readChunks, sniffCompression, type RandomAccess } from '@elfkit/image';
import { fileAccess, nodeDecompressors } from '@elfkit/image/node';
import type { Blob } from '../blob.js';
import type { DebugIndex, SourceFinder } from '../debug-index.js';
import { readElfRecord } from '../elf-record.js';
import { nodeDecompressors as elfDecompressors } from '@elfkit/symbolize/node';
import { captureElf } from './capture.js';
import { fileBlob, sliceStream } from './file-blob.js';
import { firstSource } from './source-finders.js';

interface Member {
  readonly offset: number;
  readonly size: number;
  readonly mtime: number;
}

/** What indexing one archive found. */
export interface ArchiveScan {
  readonly members: number;
  readonly elf: number;
  readonly problems: string[];
}

/**
 * Indexes a plain tar archive (uncompressed, gzip or zstd, judged by its
 * bytes) as elfutils' `-Z` scanner does: each ELF member by build id, every
 * regular member by path for source lookups. Members are served straight
 * from their offset when the archive is uncompressed, else by decompressing
 * up to them; nothing is unpacked to disk.
 */
export async function indexTarArchive(path: string, mtimeMs: number, index: DebugIndex, dirSources: SourceFinder, memberLimit: number): Promise<ArchiveScan> {
  const access = await fileAccess(path);
  const problems: string[] = [];
  let elf = 0;
  const members = new Map<string, Member>();
  const links = new Map<string, string>();
  try {
    const compression = sniffCompression(await access.read(0, Math.min(8, access.size)));
    if (compression !== 'none' && compression !== 'gzip' && compression !== 'zstd') throw new Error(`${compression}-compressed archives are not read`);
    const plain = (a: RandomAccess) => (compression === 'none' ? readChunks(a) : nodeDecompressors[compression](readChunks(a)));
    const blobOf = (member: string, m: Member): Blob => {
      if (compression === 'none') return fileBlob(path, m.size, m.mtime * 1000 || mtimeMs, { path, offset: m.offset, member });
      return {
        size: m.size,
        mtimeMs: m.mtime * 1000 || mtimeMs,
        file: member,
        archive: path,
        chunks: (s, e) =>
          (async function* () {
            const a = await fileAccess(path);
            try {
              yield* sliceStream(plain(a), 0, m.offset + s, m.offset + Math.min(e, m.size), `${path}: ${member}`);
            } finally {
              await a.close();
            }
          })(),
      };
    };
    const findInArchive: SourceFinder = async (p, under) => {
      for (const c of [p.slice(1), under]) {
        if (!c) continue;
        let name = c;
        for (let hops = 0; hops < 8 && links.has(name); hops++) name = links.get(name)!;
        const m = members.get(name);
        if (m) return blobOf('/' + name, m);
      }
      return undefined;
    };
    const findSource = firstSource(findInArchive, dirSources);
    const tar = new TarReader(plain(access), path, { maxEntries: 10_000_000 });
    for await (const e of tar) {
      const name = cleanPath(e.path);
      if (!name) continue;
      if (e.type === 'hardlink') {
        links.set(name, cleanPath(e.linkpath));
        continue;
      }
      if (e.type !== 'file') continue;
      const m = { offset: e.dataOffset, size: e.size, mtime: e.mtime };
      members.set(name, m);
      links.delete(name);
      const bytes = await captureElf(e.size, tar.data(), memberLimit);
      if (bytes === 'too-large') {
        problems.push(`${path}: ${name}: ELF member of ${e.size} bytes is over the ${memberLimit}-byte limit; not indexed`);
        continue;
      }
      if (!bytes) continue;
      const record = readElfRecord(new BytesSource(bytes), { decompressors: elfDecompressors });
      if (!record) continue;
      elf++;
      index.add({ blob: blobOf('/' + name, m), record, findSource });
    }
  } finally {
    await access.close();
  }
  return { members: members.size, elf, problems };
}
