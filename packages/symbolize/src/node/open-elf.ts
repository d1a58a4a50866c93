import { inflateSync } from 'node:zlib';
import { ElfFile } from '@elfkit/elf';
import { openSource } from './file-source.js';

/** Native zlib is several times faster than the pure-JS default for DWARF-sized sections. */
export const nodeDecompressors = {
  zlib: (data: Uint8Array, size: number) => {
    const out = inflateSync(data, { maxOutputLength: Math.max(size, 1) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};

/** An ELF file opened from a path (`-` for standard input), reading ranges on demand. */
export interface OpenedElf {
  readonly path: string;
  readonly elf: ElfFile;
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
