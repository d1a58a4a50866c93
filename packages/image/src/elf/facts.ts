import { isParseError, type ByteSource } from '@elfkit/binary';
import { crc32 as crc32Bytes, parseDebugLink } from '@elfkit/dwarf';
import { ElfFile, fileTypeName, machineName, machineShortName, type Decompressors } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { findStamps, STAMP_TYPE, type StampRecord } from '@elfkit/elf/stamp';
import { inspectGo, type BuildInfo, type GoModule } from '@elfkit/gosym';
import { goImage } from '@elfkit/symbolize/go-image';

/** A Go module as `go version -m` lists it. */
export interface GoModuleFacts {
  readonly path: string;
  readonly version: string;
  readonly sum: string;
  readonly replace: GoModuleFacts | null;
}

/**
 * What `go version -m` tells of a Go binary. Where only the module info is
 * damaged, the Go version (read before it) is kept and `path`, `main`,
 * `deps` and `settings` are null (unknown, not empty); the damage is in
 * the file's `problems`.
 */
export interface GoFacts {
  /** `go1.22.1`. */
  readonly version: string;
  /** The main package's import path (`path` line). */
  readonly path: string | null;
  readonly main: GoModuleFacts | null;
  readonly deps: readonly GoModuleFacts[] | null;
  /** Build settings (`-ldflags`, `vcs.revision`, `GOARCH`…), in order. */
  readonly settings: readonly { readonly key: string; readonly value: string }[] | null;
}

/** The facts about one ELF file that `image scan` reports. */
export interface ElfFacts {
  readonly class: 'ELF32' | 'ELF64';
  readonly byteOrder: 'little' | 'big';
  /** `Advanced Micro Devices X86-64`, as readelf names it. */
  readonly machine: string;
  /** `x86-64`, `aarch64`… */
  readonly arch: string;
  /** `EXEC`, `DYN (Position-Independent Executable file)`, `DYN (Shared object file)`, `REL`, `CORE`, as readelf. */
  readonly type: string;
  readonly interpreter: string | null;
  readonly needed: readonly string[];
  readonly soname: string | null;
  /** GNU build id, lowercase hex. */
  readonly buildId: string | null;
  /** Go's build id note. */
  readonly goBuildId: string | null;
  /** No `.symtab`. */
  readonly stripped: boolean;
  /** The file holds DWARF (`.debug_info` or `.zdebug_info`). */
  readonly dwarf: boolean;
  /** A separate debug file (`objcopy --only-keep-debug`, `eu-strip -f`): DWARF, and no loaded code or data of its own. */
  readonly debugOnly: boolean;
  /** `.gnu_debuglink`: the debug file's name and CRC-32. */
  readonly debuglink: { readonly name: string; readonly crc: number } | null;
  /** CRC-32 of the whole file, for separate debug files (what `.gnu_debuglink` checks). */
  readonly crc32: number | null;
  readonly go: GoFacts | null;
  /** The elfkit stamp (docs/json-stamp.md). */
  readonly stamp: StampRecord | null;
  /** `.note.package` metadata (FDO packaging notes other than the stamp), as JSON. */
  readonly packages: readonly unknown[];
  /** Parts that could not be read (a damaged note, build info). */
  readonly problems: readonly string[];
}

/** Options for {@link readElfFacts}. */
export interface ElfFactsOptions {
  readonly decompressors?: Partial<Decompressors>;
  /** CRC-32 of the whole source (the Node host passes zlib's); default: computed here. */
  readonly crc32?: (source: ByteSource) => number;
}

function goModule(m: GoModule | null | undefined): GoModuleFacts | null {
  return m ? { path: m.path, version: m.version, sum: m.sum, replace: goModule(m.replace) } : null;
}

function goFacts(bi: BuildInfo): GoFacts {
  return {
    version: bi.goVersion,
    path: bi.path,
    main: bi.main?.path ? goModule(bi.main) : null,
    deps: bi.deps.map((d) => goModule(d)!),
    settings: bi.settings.map((s) => ({ key: s.key, value: s.value })),
  };
}

/**
 * Reads what an image scan reports about one ELF file: header facts,
 * dynamic dependencies, build ids, debug information and its links, Go
 * build info, the elfkit stamp and package notes. Parts that fail are
 * listed in `problems`; a file that is not ELF at all throws ParseError.
 */
export function readElfFacts(source: ByteSource, options: ElfFactsOptions = {}): ElfFacts {
  const elf = ElfFile.parse(source, { decompressors: options.decompressors });
  const problems: string[] = elf.warnings.map((w) => w.message);
  const attempt = <T>(what: string, fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (e) {
      if (!isParseError(e) && !(e instanceof Error && e.name === 'ModInfoError')) throw e;
      problems.push(`${what}: ${(e as Error).message}`);
      return fallback;
    }
  };
  const h = elf.header;
  const dynamic = attempt('dynamic section', () => elf.dynamic() ?? [], []);
  const needed = dynamic.filter((d) => d.tag === BigInt(C.DT_NEEDED) && d.string !== undefined).map((d) => d.string!);
  const soname = dynamic.find((d) => d.tag === BigInt(C.DT_SONAME))?.string ?? null;
  const has = (name: string) => {
    const s = elf.section(name);
    return !!s && s.type !== C.SHT_NOBITS && s.size > 0;
  };
  const dwarf = has('.debug_info') || has('.zdebug_info');
  // A separate debug file keeps the allocated sections' headers but not their bytes.
  const loadedBits = elf.sections.some((s) => (s.flags & C.SHF_ALLOC) !== 0 && s.type !== C.SHT_NOBITS && s.type !== C.SHT_NOTE && s.size > 0);
  const debugOnly = dwarf && !loadedBits && h.type !== C.ET_REL;
  const link = elf.section('.gnu_debuglink');
  const debuglink =
    link && link.type !== C.SHT_NOBITS ? attempt('.gnu_debuglink', () => parseDebugLink(elf.sectionData(link), h.order), null) : null;
  const notes = attempt('notes', () => elf.notes(), []);
  const packages: unknown[] = [];
  for (const n of notes) {
    if (n.owner !== 'FDO' || n.type !== C.NT_FDO_PACKAGING_METADATA) continue;
    const c = elf.decodeNote(n);
    if (c.kind === 'package' && !(typeof c.json === 'object' && c.json !== null && (c.json as { type?: unknown }).type === STAMP_TYPE)) packages.push(c.json ?? c.text);
  }
  const stamp = attempt('stamp', () => findStamps(elf)[0]?.stamp ?? null, null);
  const go = attempt(
    'go build info',
    () => {
      const g = inspectGo(goImage(elf), { pclntab: false });
      for (const e of g.errors) problems.push(`go: ${e.message}`);
      const raw = g.rawBuildInfo;
      const facts = g.buildInfo ? goFacts(g.buildInfo) : raw ? { version: raw.goVersion, path: null, main: null, deps: null, settings: null } : null;
      return { facts, buildId: g.buildId ?? null };
    },
    { facts: null, buildId: null },
  );
  const buildId = attempt('build id', () => elf.buildId() ?? null, null);
  let crc32: number | null = null;
  if (debugOnly) crc32 = options.crc32 ? options.crc32(source) : crc32Of(source);
  return {
    class: h.bits === 64 ? 'ELF64' : 'ELF32',
    byteOrder: h.order,
    machine: machineName(h.machine),
    arch: machineShortName(h.machine),
    type: fileTypeName(h.type, elf.isPie()),
    interpreter: attempt('interpreter', () => elf.interpreter() ?? null, null),
    needed,
    soname,
    buildId,
    goBuildId: go.buildId,
    stripped: elf.symbolTables('symtab').length === 0,
    dwarf,
    debugOnly,
    debuglink,
    crc32,
    go: go.facts,
    stamp,
    packages,
    problems,
  };
}

/** CRC-32 of a whole source, in 1 MiB reads. */
export function crc32Of(source: ByteSource): number {
  let crc = 0;
  for (let at = 0; at < source.size; at += 1 << 20) crc = crc32Bytes(source.read(at, Math.min(1 << 20, source.size - at)), crc);
  return crc;
}
