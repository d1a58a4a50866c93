import { isParseError, type ParseError } from '@elfkit/binary';
import { constants as C, type ElfFile } from '@elfkit/elf';
import {
  Dwarf,
  SplitResolver,
  findSeparateDebugFile,
  parseDebugAltLink,
  parseDebugLink,
  parseDebugSup,
  separateDebugCandidates,
  joinPath,
  dirname,
  isAbsolutePath,
  DEFAULT_DEBUG_DIRECTORIES,
  type DebugFileHost,
  type SectionLoader,
} from '@elfkit/dwarf';
import { relocateDebugSections } from './relocate.js';

/** Where the DWARF of a binary came from. */
export interface DwarfSource {
  /** The file whose sections are read (the binary, or its separate debug file). */
  readonly path: string;
  /** `self`, or how the separate debug file was found. */
  readonly via: 'self' | 'build-id' | 'debuglink';
}

/** The DWARF of a binary, with the host and resolver for the files it refers to. */
export interface OpenedDwarf {
  readonly dwarf: Dwarf;
  /** The ELF file the sections come from. */
  readonly elf: ElfFile;
  readonly source: DwarfSource;
  readonly split: SplitResolver;
  /** Relocations of an object file that could not be applied (as llvm-dwarfdump warns). */
  readonly unrelocated: number;
  /** The supplementary file, when the DWARF names one and it was found. */
  readonly supPath?: string;
}

/** Options shared by the commands that read DWARF. */
export interface DwarfOpenOptions {
  /** Directories searched for `.build-id/…` and debug-link files (default /usr/lib/debug). */
  debugFileDirectory?: string[];
}

/** A section loader over an ELF file: `.zdebug_*` and SHF_COMPRESSED sections come decompressed, object files relocated. */
export function elfLoader(elf: ElfFile): { load: SectionLoader; unrelocated: number } {
  const { data, skipped } = relocateDebugSections(elf);
  const load: SectionLoader = (name) => {
    const s = name.startsWith('.debug_') ? elf.debugSection(name) : elf.section(name);
    if (!s || s.type === C.SHT_NOBITS) return undefined;
    return data.get(s.index) ?? elf.sectionData(s);
  };
  return { load, unrelocated: skipped };
}

/**
 * A {@link DebugFileHost} that also hands out the ELF file behind each
 * debug file it opened (the DWARF's machine and byte order come from it).
 */
export interface ElfDebugHost extends DebugFileHost {
  /** The ELF file behind a debug file this host opened (or opens now). */
  openedElf(path: string): ElfFile | undefined;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** True when `elf` has DWARF of its own (`.debug_info` or `.debug_line`, possibly `.zdebug_*` or `.dwo`). */
export function hasDwarf(elf: ElfFile): boolean {
  const has = (n: string) => {
    const s = elf.debugSection(n);
    return s !== undefined && s.type !== C.SHT_NOBITS;
  };
  return has('.debug_info') || has('.debug_line') || has('.debug_info.dwo');
}

/**
 * The DWARF for the binary at `path`: its own sections when it has them,
 * otherwise the separate debug file found by build ID or `.gnu_debuglink`
 * (CRC-checked) as gdb looks for it; and the supplementary file of
 * `.gnu_debugaltlink`/`.debug_sup` when the DWARF names one. Undefined
 * when there is no DWARF anywhere.
 */
export function openDwarf(elf: ElfFile, path: string, host: ElfDebugHost, opts: DwarfOpenOptions = {}): OpenedDwarf | undefined {
  const dirs = opts.debugFileDirectory && opts.debugFileDirectory.length ? opts.debugFileDirectory : [...DEFAULT_DEBUG_DIRECTORIES];
  let source: DwarfSource = { path, via: 'self' };
  let srcElf = elf;
  let loader: SectionLoader;
  let unrelocated = 0;
  if (hasDwarf(elf)) {
    const l = elfLoader(elf);
    loader = l.load;
    unrelocated = l.unrelocated;
  } else {
    const linkSec = elf.section('.gnu_debuglink');
    const debugLink = linkSec && linkSec.type !== C.SHT_NOBITS ? safe(() => parseDebugLink(elf.sectionData(linkSec), elf.header.order)) : undefined;
    const buildId = safe(() => elf.buildId());
    const found = findSeparateDebugFile(host, path, { buildId, debugLink, debugDirectories: dirs });
    if (!found) return undefined;
    const o = host.openedElf(found.file.path);
    if (!o || !hasDwarf(o)) return undefined;
    srcElf = o;
    source = { path: found.file.path, via: found.via };
    loader = found.file.load;
  }
  const sup = openSupplementary(srcElf, source.path, host, dirs);
  const dwarf = Dwarf.load(loader, { order: srcElf.header.order, sup: sup?.dwarf });
  return { dwarf, elf: srcElf, source, split: new SplitResolver(host, path), unrelocated, supPath: sup?.path };
}

/** The `.gnu_debugaltlink` or `.debug_sup` file of `elf`, if it names one and it can be found. */
function openSupplementary(elf: ElfFile, path: string, host: ElfDebugHost, dirs: string[]): { dwarf: Dwarf; path: string } | undefined {
  let name: string | undefined;
  let buildId: string | undefined;
  const alt = elf.section('.gnu_debugaltlink');
  if (alt && alt.type !== C.SHT_NOBITS) {
    const l = safe(() => parseDebugAltLink(elf.sectionData(alt)));
    name = l?.name;
    buildId = l?.buildId;
  } else {
    const sup = elf.section('.debug_sup');
    if (sup && sup.type !== C.SHT_NOBITS) {
      const s = safe(() => parseDebugSup(elf.sectionData(sup), elf.header.order));
      if (s && !s.isSupplementary) name = s.name;
    }
  }
  if (!name) return undefined;
  const candidates: string[] = [];
  if (isAbsolutePath(name)) candidates.push(name);
  else candidates.push(joinPath(dirname(path), name));
  if (buildId) for (const c of separateDebugCandidates(path, { buildId, debugDirectories: dirs })) candidates.push(c.path);
  for (const c of candidates) {
    const f = host.open(c);
    if (f && (!buildId || !f.buildId || f.buildId === buildId)) return { dwarf: Dwarf.load(f.load, { order: f.order }), path: c };
  }
  return undefined;
}

/** A callback that keeps ParseErrors (a bad unit does not stop the dump) and rethrows anything else. */
export const errorSink =
  (errors: ParseError[]) =>
  (e: unknown): void => {
    if (isParseError(e)) errors.push(e);
    else throw e;
  };
