import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync } from 'node:fs';
import { write } from 'node:fs';
import type * as Os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ByteSource } from '@elfkit/binary';
import type { Spilled, SpillWriter } from '../host.js';

const writeAsync = promisify(write);

/**
 * Temporary files for data too large to hold in memory, in one private
 * directory (mode 0700) under the system's temporary directory; each file
 * is deleted when closed, the directory by {@link dispose}.
 */
export class TempStore {
  private dir?: string;
  private n = 0;

  /** `parent`: where the directory goes; the system's temporary directory (asked on first use: most runs never spill, and node:os is not loaded for them) when not given. */
  constructor(private readonly parent?: string) {}

  /** A new temporary file to write (in a directory made on first use). */
  async create(): Promise<SpillWriter> {
    this.dir ??= mkdtempSync(join(this.parent ?? (process.getBuiltinModule('node:os') as typeof Os).tmpdir(), 'elfkit-image-'));
    const path = join(this.dir, `spill-${this.n++}`);
    const fd = openSync(path, 'w+', 0o600);
    let size = 0;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    };
    return {
      async write(chunk) {
        let done = 0;
        while (done < chunk.length) done += (await writeAsync(fd, chunk, done, chunk.length - done, size + done)).bytesWritten;
        size += chunk.length;
      },
      async done(): Promise<Spilled> {
        const source: ByteSource = {
          size,
          read(offset, length) {
            const buf = new Uint8Array(length);
            let got = 0;
            while (got < length) {
              const n = readSync(fd, buf, got, length - got, offset + got);
              if (n === 0) break;
              got += n;
            }
            return buf.subarray(0, got);
          },
        };
        return { size, source, access: { size, read: async (o, l) => source.read(o, l) }, close };
      },
      discard: close,
    };
  }

  /** Removes the directory and whatever is left in it. */
  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
