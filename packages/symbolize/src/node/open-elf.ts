import { ElfFile } from '@elfkit/elf';
import { openSource } from './file-source.js';
import { nodeInflateStream, nodeZlib } from './zlib.js';

/**
 * Native zlib is several times faster than the pure-JS default for
 * DWARF-sized sections. The output goes into one buffer of the size the
 * header gives (plus a byte, so zlib never asks for a second), not into
 * 16 KiB chunks joined by a copy at the end: half the peak memory and
 * about a fifth of the time for a 13 MB `.debug_info`. A size larger
 * than deflate's best ratio allows is not believed for the buffer.
 */
export const nodeDecompressors = {
  /** `node:zlib`'s inflate into `size` bytes (zstd stays with the default, fzstd). */
  zlib: (data: Uint8Array, size: number) => {
    const chunkSize = Math.max(64, Math.min(size + 1, data.length * 1032 + 64));
    const out = nodeZlib().inflateSync(data, { maxOutputLength: Math.max(size, 1), chunkSize });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  /** `node:zlib`'s inflater fed piece by piece, for sections read once front to back (see `ElfFile.sectionChunks`). */
  zlibStream: nodeInflateStream,
};

/** An ELF file opened from a path (`-` for standard input), reading ranges on demand. */
export interface OpenedElf {
  readonly path: string;
  readonly elf: ElfFile;
  /** Closes the file; `elf` may not read from it afterwards. */
  close(): void;
}

/** How {@link openElf} reads the file. */
export interface OpenElfOptions {
  /**
   * Read a section or program header table that cannot be read as empty
   * (the problem in `elf.tableErrors` and `elf.warnings`) instead of
   * refusing the file — for tools that print what they can of a damaged file.
   */
  lenient?: boolean;
}

/** Opens `path` as ELF; throws ParseError for non-ELF input, a system error for a missing file. */
export function openElf(path: string, options: OpenElfOptions = {}): OpenedElf {
  const source = openSource(path);
  try {
    const elf = ElfFile.parse(source, { decompressors: nodeDecompressors, lenient: options.lenient ?? false });
    return { path, elf, close: () => source.close() };
  } catch (e) {
    source.close();
    throw e;
  }
}
