import { statSync } from 'node:fs';
import { FileSource } from '@elfkit/symbolize/node';

/**
 * A file being scanned: one descriptor for its first bytes and the ELF
 * reader's ranges (one `pread` each), and its modification time for
 * `Last-Modified`. Throws for what is not a regular file.
 */
export class ScannedFile extends FileSource {
  readonly mtimeMs: number;

  constructor(path: string) {
    super(path);
    this.mtimeMs = statSync(path).mtimeMs;
  }
}
