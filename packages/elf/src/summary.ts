import { decodeUtf8 } from '@elfkit/binary';
import * as C from './constants.js';
import type { ElfFile } from './file.js';
import { fileTypeName, machineName, machineShortName, osAbiName } from './names.js';

/** Where a binary's debug information is, as far as the ELF file itself tells. */
export interface DebugSummary {
  /** True when the file has `.debug_info` (or `.zdebug_info`). */
  present: boolean;
  /** Names of the `.debug_*`, `.zdebug_*` and `.gnu_debugaltlink` sections. */
  sections: string[];
  /** Compression formats of those sections (`zlib`, `zstd`, `zlib-gnu`, or `corrupt`). */
  compression: string[];
  /** DWARF unit versions; the ELF reader leaves this empty for a DWARF reader to fill. */
  versions: number[];
  /** How a separate debug file would be found: `.gnu_debuglink`'s name and the build-id path. */
  separate: { debuglink: string | null; buildIdPath: string | null };
}

/** The facts `elfkit info` (and the explorer's header view) report about an ELF file. */
export interface ElfSummary {
  /** `ELF32` or `ELF64`. */
  class: string;
  /** `little endian` or `big endian`. */
  data: string;
  osabi: string;
  /** readelf's file type (`DYN (Position-Independent Executable file)`). */
  type: string;
  machine: string;
  /** The short machine name (`x86-64`). */
  arch: string;
  entry: bigint;
  interpreter: string | null;
  buildId: string | null;
  sections: number;
  segments: number;
  /** True when there is no `.symtab`. */
  stripped: boolean;
  debug: DebugSummary;
}

/** `fn()`, or — when there is an error sink — `fallback` after handing the error to it. */
type Attempt = <T>(fn: () => T, fallback: T) => T;

function debugSummary(elf: ElfFile, attempt: Attempt, onError?: (e: unknown) => void): DebugSummary {
  const debug = elf.sections.filter((s) => /^\.(z?debug_|gnu_debugaltlink$)/.test(s.name));
  const compression = new Set<string>();
  for (const s of debug) {
    try {
      const c = elf.compression(s);
      if (c) compression.add(c.format);
    } catch (e) {
      onError?.(e);
      compression.add('corrupt');
    }
  }
  const link = elf.section('.gnu_debuglink');
  let debuglink: string | null = null;
  if (link && link.type !== C.SHT_NOBITS) {
    const d = attempt(() => elf.sectionData(link), new Uint8Array(0));
    const nul = d.indexOf(0);
    debuglink = decodeUtf8(d, 0, nul < 0 ? d.length : nul);
  }
  const id = attempt(() => elf.buildId(), undefined);
  return {
    present: debug.some((s) => /^\.z?debug_info$/.test(s.name)),
    sections: debug.map((s) => s.name),
    compression: [...compression],
    versions: [],
    separate: { debuglink, buildIdPath: id && id.length > 2 ? `.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug` : null },
  };
}

/**
 * A summary of `elf`: class, machine, type, entry, interpreter, build id,
 * table counts and where its debug information is. Reads the headers,
 * the notes, the dynamic section and the debug sections' compression
 * headers, nothing larger.
 *
 * With `onError`, each fact stands on its own: a damaged part (a corrupt
 * note, an unreadable dynamic section) is handed to `onError` and that
 * fact reads as absent, so the others are still reported.
 */
export function summarizeElf(elf: ElfFile, onError?: (e: unknown) => void): ElfSummary {
  const h = elf.header;
  const attempt: Attempt = (fn, fallback) => {
    if (!onError) return fn();
    try {
      return fn();
    } catch (e) {
      onError(e);
      return fallback;
    }
  };
  return {
    class: `ELF${h.bits}`,
    data: h.order === 'little' ? 'little endian' : 'big endian',
    osabi: osAbiName(h.osabi, h.machine),
    type: fileTypeName(h.type, attempt(() => elf.isPie(), false)),
    machine: machineName(h.machine),
    arch: machineShortName(h.machine),
    entry: h.entry,
    interpreter: attempt(() => elf.interpreter(), undefined) ?? null,
    buildId: attempt(() => elf.buildId(), undefined) ?? null,
    sections: elf.sections.length,
    segments: elf.segments.length,
    stripped: attempt(() => elf.symbolTables('symtab').length === 0, true),
    debug: debugSummary(elf, attempt, onError),
  };
}
