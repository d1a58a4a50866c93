import { writeSync } from 'node:fs';

/**
 * Writes to standard output synchronously, in large chunks, and treats a
 * closed pipe (`elfkit lines … | head`) as a normal end rather than an error.
 */
export function writeOut(text: string | Uint8Array): void {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, Math.min(buf.length - off, 1 << 20));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
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
