import { ImageError, type ImageWarning } from '../errors.js';
import type { TarEntry, TarReader } from '../tar/reader.js';
import { cleanEntryParts, type FileTree, type FsNode } from './file-tree.js';
import { Inode, type FileKind } from './inode.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Called for each regular file as it streams past, with its data (read it or not; the rest is skipped). */
export type FileVisitor<F> = (inode: Inode<F>, entry: TarEntry, data: () => AsyncIterable<Uint8Array>, node: FsNode<F>) => Promise<void> | void;

/** How to apply a layer. */
export interface ApplyOptions<F> {
  readonly onFile?: FileVisitor<F>;
  readonly warn: (w: ImageWarning) => void;
  /** Most names in the tree before the image is refused as a tar bomb (default 1,000,000). */
  readonly maxFiles?: number;
}

/** Counts from applying one layer. */
export interface LayerStats {
  entries: number;
  whiteouts: number;
  /** Bytes of regular file data in the layer. */
  fileBytes: number;
}

/** The default cap on names in the tree. */
export const DEFAULT_MAX_FILES = 1_000_000;

function kindOf(e: TarEntry): FileKind | undefined {
  switch (e.type) {
    case 'file':
    case 'sparse':
      return 'file';
    case 'directory':
    case 'symlink':
    case 'char':
    case 'block':
    case 'fifo':
      return e.type;
    default:
      return undefined;
  }
}

/**
 * Applies the entries of one layer to `tree`, in archive order, as
 * image-spec `layer.md` says a runtime applies them: whiteouts remove
 * lower-layer names, opaque markers empty their directory of lower-layer
 * names whatever their place in the layer, an entry replaces what was at
 * its path (a directory over a directory keeps its children), hard links
 * bind to their target's inode, and parent paths resolve through symlinks
 * inside the image. Names that escape the root are clamped to it, with a
 * warning.
 */
export async function applyLayer<F>(tree: FileTree<F>, reader: TarReader, layer: number, blob: string, opts: ApplyOptions<F>): Promise<LayerStats> {
  const stats: LayerStats = { entries: 0, whiteouts: 0, fileBytes: 0 };
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  const warn = (code: string, message: string, entry: string) => opts.warn({ code, message, blob, entry });
  for (let e = await reader.next(); e; e = await reader.next()) {
    stats.entries++;
    const { parts, escaped } = cleanEntryParts(e.path);
    if (escaped) warn('path-escape', `entry path escapes the image root; applied at /${parts.join('/')}`, e.path);
    const base = parts.pop();
    if (base === undefined) {
      // `./`: the root directory's own metadata.
      if (e.type === 'directory') Object.assign(tree.root.inode, { mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, mtime: e.mtime });
      continue;
    }
    if (base.startsWith(WHITEOUT)) {
      stats.whiteouts++;
      const dir = tree.parentDir(parts, layer, false);
      if (typeof dir === 'string') continue; // nothing below a missing parent to hide
      if (base === OPAQUE) tree.opaque(dir, layer);
      else tree.whiteout(dir, base.slice(WHITEOUT.length), layer);
      continue;
    }
    const dir = tree.parentDir(parts, layer, true);
    if (dir === 'loop') {
      warn('symlink-loop', 'a symlink loop in the entry\'s parent path; entry skipped', e.path);
      continue;
    }
    if (dir === 'not-dir' || dir === 'missing') {
      warn('parent-not-directory', 'a parent of the entry is not a directory; entry skipped', e.path);
      continue;
    }
    if (e.type === 'hardlink') {
      const r = tree.lookup(cleanEntryParts(e.linkpath).parts, true);
      if (!('found' in r) || r.found.inode.kind === 'directory' || r.found === tree.root) {
        warn('hardlink-target', `hard link target ${JSON.stringify(e.linkpath)} is ${'loop' in r ? 'a symlink loop' : 'found' in r ? 'a directory' : 'not in the image'}; entry skipped`, e.path);
        continue;
      }
      tree.put(dir, base, r.found.inode, layer);
    } else {
      const kind = kindOf(e);
      if (!kind) {
        warn('unknown-type', `tar entry type ${JSON.stringify(e.typeflag)} is not a file type; entry skipped`, e.path);
        continue;
      }
      const size = e.sparse ? e.sparse.realSize : kind === 'file' ? e.size : 0;
      const inode = new Inode<F>(kind, e.mode & 0o7777, e.uid, e.gid, e.mtime, size, kind === 'symlink' ? e.linkpath : '', layer, e.dataOffset);
      if (e.xattrs) inode.xattrs = e.xattrs;
      if (kind === 'char' || kind === 'block') inode.device = { major: e.devmajor, minor: e.devminor };
      const node = tree.put(dir, base, inode, layer);
      if (e.sparse) {
        inode.sparse = true;
        warn('sparse', `sparse file (${e.sparse.format}) of ${e.sparse.realSize} bytes: its contents are not read`, e.path);
      } else if (kind === 'file') {
        stats.fileBytes += e.size;
        if (opts.onFile) await opts.onFile(inode, e, () => reader.data(), node);
      }
    }
    if (tree.size > maxFiles) throw new ImageError('too-large', `more than ${maxFiles} files in the image (a tar bomb?)`, { blob, entry: e.path });
  }
  return stats;
}
