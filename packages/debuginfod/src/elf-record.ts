import type { ByteSource } from '@elfkit/binary';
import { ElfFile, type Decompressors } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { sourceNames } from './source-names.js';

/** Where one section's bytes are in its file (as stored: compressed sections stay compressed). */
export interface SectionSpan {
  readonly name: string;
  readonly type: number;
  readonly offset: number;
  readonly size: number;
}

/** What the index keeps of one ELF file. */
export interface ElfRecord {
  /** GNU build id, lowercase hex. */
  readonly buildId: string;
  /** It has loadable code: served as `/executable`. */
  readonly executable: boolean;
  /** It has DWARF (`.debug_*`/`.zdebug_*` with bytes): served as `/debuginfo`. */
  readonly debuginfo: boolean;
  readonly sections: readonly SectionSpan[];
  /**
   * For debug files: source names (canonical absolute path → path under
   * the comp_dir); undefined when not read at scan time (see
   * {@link IndexedFile.loadSources}).
   */
  readonly sources?: ReadonlyMap<string, string | undefined>;
}

const ELF_MAGIC = 0x7f454c46;

/** Whether the first bytes are ELF's magic. */
export function hasElfMagic(head: Uint8Array): boolean {
  return head.length >= 4 && ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0 === ELF_MAGIC;
}

/**
 * Classifies an ELF file as elfutils' debuginfod does: an executable when
 * it has allocated code with bytes in the file (a stripped binary, an
 * unstripped one), a debug file when it has DWARF sections with bytes (a
 * `--only-keep-debug` file, an unstripped binary — which is both). Files
 * without a GNU build id, core files and damaged files give undefined:
 * they cannot be asked for. With `sources: false` the DWARF is not read
 * (a scan of files on disk lists sources when first asked).
 */
export function readElfRecord(source: ByteSource, options: { decompressors?: Partial<Decompressors>; sources?: boolean } = {}): ElfRecord | undefined {
  let elf: ElfFile;
  try {
    elf = ElfFile.parse(source, { decompressors: options.decompressors });
  } catch {
    return undefined;
  }
  const type = elf.header.type;
  if (type !== C.ET_EXEC && type !== C.ET_DYN && type !== C.ET_REL) return undefined;
  let buildId: string | undefined;
  try {
    buildId = elf.buildId()?.toLowerCase();
  } catch {
    return undefined;
  }
  if (!buildId) return undefined;
  let sections: SectionSpan[];
  try {
    sections = elf.sections.filter((s) => s.type !== C.SHT_NULL).map((s) => ({ name: s.name, type: s.type, offset: s.offset, size: s.size }));
  } catch {
    return undefined;
  }
  const withBytes = (s: SectionSpan) => s.type !== C.SHT_NOBITS && s.size > 0 && s.offset + s.size <= source.size;
  const debuginfo = sections.some((s) => (s.name.startsWith('.debug_') || s.name.startsWith('.zdebug_')) && withBytes(s));
  let executable = elf.sections.some((s) => (s.flags & C.SHF_ALLOC) !== 0 && (s.flags & C.SHF_EXECINSTR) !== 0 && withBytes(s));
  // No section headers (a file stripped with sstrip): its loadable segments decide.
  if (sections.length === 0) executable = elf.segments.some((p) => p.type === C.PT_LOAD && p.filesz > 0);
  const sources = !debuginfo ? new Map<string, string | undefined>() : options.sources === false ? undefined : sourceNames(elf);
  return { buildId, executable, debuginfo, sections, sources };
}
