import { closeSync, fstatSync, openSync, read, readFileSync, readSync } from 'node:fs';
import { BytesSource, type ByteSource } from '@elfkit/binary';

/**
 * A {@link ByteSource} over an open file: each read is one `pread`, so a
 * command touches only the ranges it needs (the header and symbol table of a
 * 90 MB binary, not the whole of it).
 */
export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    const st = fstatSync(this.fd);
    if (!st.isFile()) {
      closeSync(this.fd);
      this.fd = undefined;
      throw Object.assign(new Error(st.isDirectory() ? 'is a directory' : 'not a regular file'), { code: 'EISDIR' });
    }
    this.size = st.size;
  }

  read(offset: number, length: number): Uint8Array {
    if (this.fd === undefined) throw new Error(`${this.path}: file is closed`);
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? buf : buf.subarray(0, done);
  }

  /** The bytes of {@link read}, read on libuv's thread pool: the main thread neither copies them nor faults their pages in. */
  readAsync(offset: number, length: number): Promise<Uint8Array> {
    const fd = this.fd;
    if (fd === undefined) return Promise.reject(new Error(`${this.path}: file is closed`));
    const buf = new Uint8Array(length);
    return new Promise((resolve, reject) => {
      const more = (done: number) => {
        if (done === length) return resolve(buf);
        read(fd, buf, done, length - done, offset + done, (e, n) => (e ? reject(e) : n === 0 ? resolve(buf.subarray(0, done)) : more(done + n)));
      };
      more(0);
    });
  }

  /** Closes the file descriptor; later reads fail. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Opens `path` for random access; `-` reads all of standard input into memory first. */
export function openSource(path: string): ByteSource & {
  /** Closes the file (nothing to close for standard input). */
  close(): void;
} {
  if (path === '-') {
    const bytes = new Uint8Array(readFileSync(0));
    const src = new BytesSource(bytes);
    return Object.assign(src, { close() {} });
  }
  return new FileSource(path);
}
