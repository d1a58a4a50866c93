import { inflateSync } from 'node:zlib';
import { ElfFile } from '@elfkit/elf';
import { openSource } from './file-source.js';

/**
 * Native zlib is several times faster than the pure-JS default for
 * DWARF-sized sections. The output is one chunk of the size the header
 * gives: with the default 16 KiB chunks a 30 MB section is two thousand
 * buffers, then copied again into one.
 */
export const nodeDecompressors = {
  /** `node:zlib`'s inflate into `size` bytes (zstd stays with the default, fzstd). */
  zlib: (data: Uint8Array, size: number) => {
    const out = inflateSync(data, { maxOutputLength: Math.max(size, 1), chunkSize: Math.max(size, 64) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};

/** An ELF file opened from a path (`-` for standard input), reading ranges on demand. */
export interface OpenedElf {
  readonly path: string;
  readonly elf: ElfFile;
  /** Closes the file; `elf` may not read from it afterwards. */
  close(): void;
}

/** Opens `path` as ELF; throws ParseError for non-ELF input, a system error for a missing file. */
export function openElf(path: string): OpenedElf {
  const source = openSource(path);
  try {
    const elf = ElfFile.parse(source, { decompressors: nodeDecompressors });
    return { path, elf, close: () => source.close() };
  } catch (e) {
    source.close();
    throw e;
  }
}
