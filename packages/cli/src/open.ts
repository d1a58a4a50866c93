import { inflateSync } from 'node:zlib';
import { ElfFile } from '@elfkit/elf';
import { Damage } from './damage.js';
import { openSource } from './io/source.js';

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
  /** Opened leniently: a header table that cannot be read reads as empty, with the problem in `elf.warnings`. */
  readonly elf: ElfFile;
  /** The damaged parts the command stepped over; reported when the file is closed. */
  readonly damage: Damage;
  close(): void;
}

/** Opens `path` as ELF; throws ParseError for non-ELF input, a system error for a missing file. */
export function openElf(path: string): OpenedElf {
  const source = openSource(path);
  try {
    const elf = ElfFile.parse(source, { decompressors: nodeDecompressors, lenient: true });
    return { path, elf, damage: new Damage(), close: () => source.close() };
  } catch (e) {
    source.close();
    throw e;
  }
}
