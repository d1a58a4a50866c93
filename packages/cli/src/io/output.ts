import { writeSync } from 'node:fs';

/** Writes all of `buf` to `fd` synchronously; false when the reader has gone (EPIPE). */
function writeAll(fd: number, buf: Uint8Array): boolean {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, Math.min(buf.length - off, 1 << 20));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return false;
      throw e;
    }
  }
  return true;
}

/**
 * Writes to standard output synchronously, in large chunks, and treats a
 * closed pipe (`elfkit lines … | head`) as a normal end rather than an error.
 */
export function writeOut(text: string | Uint8Array): void {
  if (!writeAll(1, typeof text === 'string' ? Buffer.from(text) : text)) process.exit(0);
}

/**
 * Writes to standard error synchronously, as `process.stderr` does on
 * Linux for files, pipes and terminals, without making `process.stderr`:
 * its first use loads Node's socket modules and opens a pipe handle when
 * standard error is a pipe (~5 ms of CPU here), or its tty modules on a
 * terminal. Text for a closed standard error is dropped.
 */
export function writeErr(text: string): void {
  writeAll(2, Buffer.from(text));
}

/** Buffers small writes into large ones for streaming output (`--ndjson`). */
export class OutputBuffer {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly limit = 1 << 16) {}
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.limit) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    writeOut(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
