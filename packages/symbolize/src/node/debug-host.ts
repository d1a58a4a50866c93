import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ElfFile } from '@elfkit/elf';
import { crc32, type DebugFile } from '@elfkit/dwarf';
import { elfLoader, type ElfDebugHost } from '../debug-info.js';
import { openElf, type OpenedElf } from './open-elf.js';
import { zlibCrc32 } from './zlib.js';

/**
 * Opens debug files with node:fs and the ELF reader, each once. Files stay
 * open for the life of the command (the DWARF reads their sections
 * lazily); {@link close} closes them.
 */
export class NodeDebugHost implements ElfDebugHost {
  private readonly opened = new Map<string, { file?: DebugFile; elf?: OpenedElf }>();

  open(path: string): DebugFile | undefined {
    const known = this.opened.get(path);
    if (known) return known.file;
    let entry: { file?: DebugFile; elf?: OpenedElf } = {};
    try {
      if (existsSync(path) && statSync(path).isFile()) {
        const o = openElf(path);
        const { load } = elfLoader(o.elf);
        let crc: number | undefined;
        entry = {
          elf: o,
          file: {
            path,
            order: o.elf.header.order,
            load,
            crc32: () => (crc ??= fileCrc32(path)),
            buildId: safe(() => o.elf.buildId()),
          },
        };
      }
    } catch {
      entry = {};
    }
    this.opened.set(path, entry);
    return entry.file;
  }

  /** The ELF file behind a debug file this host opened (or opens now). */
  openedElf(path: string): ElfFile | undefined {
    this.open(path);
    return this.opened.get(path)?.elf?.elf;
  }

  /** Closes every file the host opened. */
  close(): void {
    for (const e of this.opened.values()) e.elf?.close();
    this.opened.clear();
  }
}

function fileCrc32(path: string): number {
  const bytes = readFileSync(path);
  return zlibCrc32(bytes, crc32);
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
