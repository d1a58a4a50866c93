import { join, resolve, sep } from 'node:path';
import type { RandomAccess } from '../access.js';
import type { ImageFiles } from '../layout/files.js';
import type { ImageInput } from '../layout/open-image.js';
import { ContainerImage, type OpenOptions } from '../container-image.js';
import { nodeImageHost, type NodeImageHost } from './host.js';
import { FileDescriptor, statFile } from './fs-calls.js';

/** A {@link RandomAccess} over a file; the descriptor stays open until `close`. */
export async function fileAccess(path: string): Promise<RandomAccess & {
  /** Closes the file; reads fail afterwards. */
  close(): Promise<void>;
}> {
  const fh = await FileDescriptor.open(path, 'r');
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw Object.assign(new Error(st.isDirectory() ? 'is a directory' : 'not a regular file'), { code: 'EISDIR', syscall: 'open', path });
  }
  return {
    size: st.size,
    async read(offset, length) {
      const buf = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const bytesRead = await fh.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? buf : buf.subarray(0, done);
    },
    close: () => fh.close(),
  };
}

/**
 * The files of an image layout directory. Paths that would leave the
 * directory (`..`, absolute) are not opened.
 */
export function directoryFiles(root: string): ImageFiles & {
  /** Closes every file opened so far. */
  close(): Promise<void>;
} {
  const base = resolve(root);
  const opened: { close(): Promise<void> }[] = [];
  const inside = (rel: string) => {
    if (rel.split('/').some((p) => p === '..') || rel.startsWith('/')) return undefined;
    const p = join(base, rel);
    return p === base || p.startsWith(base + sep) ? p : undefined;
  };
  return {
    name: root,
    async open(rel) {
      const p = inside(rel);
      if (!p) return undefined;
      try {
        const a = await fileAccess(p);
        opened.push(a);
        return a;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
        throw e;
      }
    },
    async has(rel) {
      const p = inside(rel);
      return !!p && (await statFile(p).then((s) => s.isFile(), () => false));
    },
    async close() {
      await Promise.all(opened.splice(0).map((a) => a.close().catch(() => {})));
    },
  };
}

/** An image to open from a path: a layout directory, or an archive file (`docker save`, `oci-archive`, gzip'd or not). */
export async function openImageInput(path: string): Promise<ImageInput & {
  /** Closes the archive or the directory's open files. */
  close(): Promise<void>;
}> {
  const st = await statFile(path);
  if (st.isDirectory()) {
    const directory = directoryFiles(path);
    return { directory, close: () => directory.close() };
  }
  const archive = await fileAccess(path);
  return { archive, name: path, close: () => archive.close() };
}

/** An image opened from a path with the Node host; `close()` frees the files and the temporary directory. */
export interface OpenedImageFile {
  readonly image: ContainerImage;
  readonly host: NodeImageHost;
  /** Closes the image and its files and removes the temporary directory. */
  close(): Promise<void>;
}

/** Opens the image at `path` (layout directory or archive) with a fresh Node host. */
export async function openImageFile(path: string, options: Omit<OpenOptions, 'host'> & { host?: NodeImageHost } = {}): Promise<OpenedImageFile> {
  const host = options.host ?? nodeImageHost();
  const input = await openImageInput(path);
  try {
    const image = await ContainerImage.open(input, { ...options, host });
    return {
      image,
      host,
      close: async () => {
        await image.close();
        await input.close();
        host.dispose();
      },
    };
  } catch (e) {
    await input.close();
    host.dispose();
    throw e;
  }
}
