import { BytesSource } from '@elfkit/binary';
import type { ContainerImage, FsNode } from '@elfkit/image';
import { openImageFile, type OpenedImageFile } from '@elfkit/image/node';
import { nodeDecompressors as elfDecompressors } from '@elfkit/symbolize/node';
import type { Blob } from '../blob.js';
import type { DebugIndex, SourceFinder } from '../debug-index.js';
import { readElfRecord } from '../elf-record.js';
import { captureElf } from './capture.js';
import { sliceStream } from './file-blob.js';
import { firstSource } from './source-finders.js';

function imageBlob(image: ContainerImage, name: string, file: string, size: number, mtimeMs: number): Blob {
  return { size, mtimeMs, file, archive: name, chunks: (s, e) => sliceStream(image.fileChunks(file), 0, s, Math.min(e, size), `${name}: ${file}`) };
}

/** An indexed image, kept open while the index serves from it. */
export interface ImageScan {
  readonly opened: OpenedImageFile;
  readonly elf: number;
  readonly problems: string[];
}

/**
 * Indexes a container image (OCI layout or archive, `docker save`) by the
 * files of its final file system — whiteouts applied, as a container sees
 * it: the layers are applied once (metadata only), then streamed once more
 * to read each live ELF file; files are served by streaming them out of
 * their layer.
 */
export async function indexImage(path: string, mtimeMs: number, index: DebugIndex, dirSources: SourceFinder, memberLimit: number): Promise<ImageScan> {
  const opened = await openImageFile(path);
  const problems: string[] = [];
  let elf = 0;
  try {
    const image = opened.image;
    await image.build({ elf: false });
    for (const w of image.warnings) problems.push(`${path}: ${w.message}`);
    const live = new Map<string, FsNode>();
    for (const node of image.tree.walk()) {
      const ino = node.inode;
      if (ino.kind === 'file' && !ino.sparse && ino.size >= 52 && !live.has(`${ino.layer}:${ino.dataOffset}`)) live.set(`${ino.layer}:${ino.dataOffset}`, node);
    }
    const findInImage: SourceFinder = async (p, under) => {
      for (const c of [p, under ? '/' + under : undefined]) {
        if (!c) continue;
        const node = image.tree.get(c, true);
        if (node && node.inode.kind === 'file' && !node.inode.sparse) return imageBlob(image, path, '/' + node.path, node.inode.size, node.inode.mtime * 1000 || mtimeMs);
      }
      return undefined;
    };
    const findSource = firstSource(findInImage, dirSources);
    for (const layer of image.info.layers) {
      const stream = await image.openLayer(layer);
      try {
        for await (const e of stream.tar) {
          if (e.type !== 'file') continue;
          const node = live.get(`${layer.index}:${e.dataOffset}`);
          if (!node) continue;
          const bytes = await captureElf(e.size, stream.tar.data(), memberLimit);
          if (bytes === 'too-large') problems.push(`${path}: /${node.path}: ELF file of ${e.size} bytes is over the ${memberLimit}-byte limit; not indexed`);
          if (!bytes || bytes === 'too-large') continue;
          const record = readElfRecord(new BytesSource(bytes), { decompressors: elfDecompressors });
          if (!record) continue;
          elf++;
          index.add({ blob: imageBlob(image, path, '/' + node.path, node.inode.size, node.inode.mtime * 1000 || mtimeMs), record, findSource });
        }
        await stream.finish();
      } catch (e) {
        await stream.close().catch(() => {});
        throw e;
      }
    }
  } catch (e) {
    await opened.close();
    throw e;
  }
  return { opened, elf, problems };
}
