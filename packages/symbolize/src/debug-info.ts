import { isParseError, type ParseError } from '@elfkit/binary';
import type { ElfFile, Section } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import {
  Dwarf,
  SplitResolver,
  parseDebugAltLink,
  parseDebugLink,
  parseDebugSup,
  separateDebugCandidates,
  joinPath,
  dirname,
  isAbsolutePath,
  DEFAULT_DEBUG_DIRECTORIES,
  type DebugFile,
  type DebugFileHost,
  type SectionLoader,
} from '@elfkit/dwarf';
import { debugSectionGroups, relocateDebugSections } from './relocate.js';

/** Where the DWARF of a binary came from. */
export interface DwarfOrigin {
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
  readonly source: DwarfOrigin;
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
  /**
   * Where a debug file fetched earlier by build id is, if it was (a
   * debuginfod cache): tried after every local place, before a fetch.
   */
  fetched?: (buildId: string) => string | undefined;
}

/**
 * A section loader over an ELF file: `.zdebug_*` and SHF_COMPRESSED sections
 * come decompressed, object files relocated, and the sections an object
 * file has several of under one name (one per COMDAT group) joined in
 * section order, so every unit in them is read.
 */
export function elfLoader(elf: ElfFile): { load: SectionLoader; unrelocated: number } {
  const groups = debugSectionGroups(elf);
  const { data, skipped } = relocateDebugSections(elf, groups.placement);
  const bytesOf = (s: Section) => data.get(s.index) ?? elf.sectionData(s);
  const joined = new Map<string, Uint8Array>();
  const load: SectionLoader = (name) => {
    const group = groups.byName.get(name);
    if (group) {
      let j = joined.get(name);
      if (!j) {
        const parts = group.map(bytesOf);
        j = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          j.set(p, at);
          at += p.length;
        }
        joined.set(name, j);
      }
      return j;
    }
    const s = name.startsWith('.debug_') ? elf.debugSection(name) : elf.section(name);
    if (!s || s.type === C.SHT_NOBITS) return undefined;
    return bytesOf(s);
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

/** True when `elf` has the debug section `name` (`.zdebug_*` too) with contents. */
function hasSection(elf: ElfFile, name: string): boolean {
  const s = elf.debugSection(name);
  return s !== undefined && s.type !== C.SHT_NOBITS;
}

/** True when `elf` has DWARF of its own (`.debug_info` or `.debug_line`, possibly `.zdebug_*` or `.dwo`). */
export function hasDwarf(elf: ElfFile): boolean {
  return hasSection(elf, '.debug_info') || hasSection(elf, '.debug_line') || hasSection(elf, '.debug_info.dwo');
}

/** A debug file the search opened: its DWARF view and its ELF file. */
export interface FoundDebugFile {
  readonly file: DebugFile;
  readonly elf: ElfFile;
}

/**
 * One step of the search for a binary's DWARF: open the file at `path`, or
 * (after every local place failed) fetch the debug file with `buildId` — a
 * debuginfod client's job. The search is a generator so that one search
 * order serves a synchronous host (the CLI) and an asynchronous one (a
 * browser's fetch, debuginfod) alike.
 */
export type DebugFileRequest = { readonly kind: 'open'; readonly path: string } | { readonly kind: 'fetch'; readonly buildId: string };

/** What {@link dwarfSearch} finds. */
export interface FoundDwarf {
  readonly dwarf: Dwarf;
  readonly elf: ElfFile;
  readonly source: DwarfOrigin;
  readonly unrelocated: number;
  readonly supPath?: string;
}

/**
 * The search for the DWARF of the binary at `path` (see {@link openDwarf}),
 * as a generator of {@link DebugFileRequest}s answered with the file opened
 * (or undefined). Returns undefined when there is no DWARF anywhere.
 */
export function* dwarfSearch(
  elf: ElfFile,
  path: string,
  opts: DwarfOpenOptions & {
    /** Ask for a fetch by build id after the local places failed. */
    fetch?: boolean;
    /** Changes a list of places to look (`separate` debug files, `supplementary` files), given in search order. */
    candidates?: (kind: 'separate' | 'supplementary', defaults: readonly string[]) => readonly string[];
  } = {},
): Generator<DebugFileRequest, FoundDwarf | undefined, FoundDebugFile | undefined> {
  const dirs = opts.debugFileDirectory && opts.debugFileDirectory.length ? opts.debugFileDirectory : [...DEFAULT_DEBUG_DIRECTORIES];
  let source: DwarfOrigin = { path, via: 'self' };
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
    let found: { f: FoundDebugFile; via: DwarfOrigin['via'] } | undefined;
    let places = separateDebugCandidates(path, { buildId, debugLink: debugLink?.name, debugDirectories: dirs });
    if (opts.candidates) {
      // A place the host adds is checked by build id when the binary has one, else by the debug link's CRC.
      const via = new Map(places.map((c) => [c.path, c.via]));
      places = opts.candidates('separate', places.map((c) => c.path)).map((p) => ({ path: p, via: via.get(p) ?? (buildId ? 'build-id' : 'debuglink') }));
    }
    for (const c of places) {
      const f = yield { kind: 'open', path: c.path };
      if (!f) continue;
      if (c.via === 'build-id' && f.file.buildId && buildId && f.file.buildId.toLowerCase() !== buildId.toLowerCase()) continue;
      if (c.via === 'debuglink' && debugLink && f.file.crc32() !== debugLink.crc) continue;
      // A damaged candidate (its section headers unreadable) is no debug file.
      if (!safe(() => hasDwarf(f.elf))) continue;
      found = { f, via: c.via };
      break;
    }
    const cached = !found && buildId ? opts.fetched?.(buildId.toLowerCase()) : undefined;
    if (cached) {
      const f = yield { kind: 'open', path: cached };
      if (f && (!f.file.buildId || f.file.buildId.toLowerCase() === buildId!.toLowerCase()) && safe(() => hasDwarf(f.elf))) found = { f, via: 'build-id' };
    }
    if (!found && opts.fetch && buildId) {
      const f = yield { kind: 'fetch', buildId };
      if (f && safe(() => hasDwarf(f.elf))) found = { f, via: 'build-id' };
    }
    if (!found) return undefined;
    srcElf = found.f.elf;
    source = { path: found.f.file.path, via: found.via };
    loader = found.f.file.load;
  }
  const sup = yield* supplementarySearch(srcElf, source.path, dirs, opts.candidates);
  // Split or not, from the section headers: Dwarf.load would otherwise load (inflate) .debug_info to learn it exists.
  const dwo = !hasSection(srcElf, '.debug_info') && hasSection(srcElf, '.debug_info.dwo');
  // `.debug_info` may be read while it is inflated in steps (Module.preloadDwarf): the loader gives it whole.
  const from = srcElf;
  const growing = (name: string) => {
    const s = from.debugSection(name);
    return s ? from.steppedSection(s) : undefined;
  };
  const dwarf = Dwarf.load(loader, { order: srcElf.header.order, sup: sup?.dwarf, dwo, growing });
  return { dwarf, elf: srcElf, source, unrelocated, supPath: sup?.path };
}

/**
 * Runs a search generator against a synchronous host: each request is
 * answered at once (fetches by build id get no answer).
 */
export function runSearch<T>(search: Generator<DebugFileRequest, T, FoundDebugFile | undefined>, host: ElfDebugHost): T {
  let step = search.next();
  while (!step.done) {
    const r = step.value;
    let answer: FoundDebugFile | undefined;
    if (r.kind === 'open') {
      const file = host.open(r.path);
      const elf = file ? host.openedElf(r.path) : undefined;
      answer = file && elf ? { file, elf } : undefined;
    }
    step = search.next(answer);
  }
  return step.value;
}

/**
 * The DWARF for the binary at `path`: its own sections when it has them,
 * otherwise the separate debug file found by build ID or `.gnu_debuglink`
 * (CRC-checked) as gdb looks for it; and the supplementary file of
 * `.gnu_debugaltlink`/`.debug_sup` when the DWARF names one. Undefined
 * when there is no DWARF anywhere.
 */
export function openDwarf(elf: ElfFile, path: string, host: ElfDebugHost, opts: DwarfOpenOptions = {}): OpenedDwarf | undefined {
  const found = runSearch(dwarfSearch(elf, path, opts), host);
  return found && { ...found, split: new SplitResolver(host, path) };
}

/** The `.gnu_debugaltlink` or `.debug_sup` file of `elf`, if it names one and it can be found. */
function* supplementarySearch(
  elf: ElfFile,
  path: string,
  dirs: string[],
  reorder?: (kind: 'supplementary', defaults: readonly string[]) => readonly string[],
): Generator<DebugFileRequest, { dwarf: Dwarf; path: string } | undefined, FoundDebugFile | undefined> {
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
  for (const c of reorder ? reorder('supplementary', candidates) : candidates) {
    const f = (yield { kind: 'open', path: c })?.file;
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
