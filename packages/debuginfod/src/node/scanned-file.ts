import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '@elfkit/binary';

/**
 * A file being scanned: one descriptor for its stat, its first bytes and
 * the ELF reader's ranges (one `pread` each) — a scan of thousands of files
 * opens each once.
 */
export class ScannedFile implements ByteSource {
  readonly size: number;
  readonly mtimeMs: number;
  readonly regular: boolean;
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    const st = fstatSync(this.fd);
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    this.regular = st.isFile();
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

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
