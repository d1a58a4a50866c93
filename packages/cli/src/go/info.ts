import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { FORMAT_RELEASES, inspectGo, type GoInspection, type GoModule } from '@elfkit/gosym';
import { imageOf } from './symbols.js';

/** GOARCH of an ELF machine, for binaries without build settings. */
function goarch(elf: ElfFile): string | null {
  const { machine, order } = elf.header;
  const le = order === 'little';
  const b64 = elf.bits === 64;
  switch (machine) {
    case C.EM_X86_64:
      return 'amd64';
    case C.EM_386:
      return '386';
    case C.EM_ARM:
      return 'arm';
    case C.EM_AARCH64:
      return 'arm64';
    case C.EM_S390:
      return 's390x';
    case C.EM_PPC64:
      return le ? 'ppc64le' : 'ppc64';
    case C.EM_MIPS:
      return (b64 ? 'mips64' : 'mips') + (le ? 'le' : '');
    case C.EM_RISCV:
      return b64 ? 'riscv64' : null;
    case C.EM_LOONGARCH:
      return b64 ? 'loong64' : null;
    default:
      return null;
  }
}

function moduleJson(m: GoModule | null): unknown {
  return m ? { path: m.path, version: m.version, sum: m.sum, replace: m.replace ? moduleJson(m.replace) : null } : null;
}

/** The `elfkit go info` model (docs/json-go.md). */
export function goInfoModel(elf: ElfFile, path: string, inspection: GoInspection = inspectGo(imageOf(elf))) {
  const g = inspection;
  const bi = g.buildInfo;
  const setting = (k: string) => bi?.settings.find((s) => s.key === k)?.value ?? null;
  const s = g.symbols;
  const t = s?.table;
  const h = t?.header;
  const vcs = setting('vcs');
  return {
    file: path,
    kind: g.kind,
    // The blob's Go version also when its module info is damaged.
    version: bi?.goVersion ?? g.rawBuildInfo?.goVersion ?? null,
    versionFromPclntab: h ? FORMAT_RELEASES[h.format] : null,
    buildId: g.buildId ?? null,
    path: bi?.path || null,
    main: moduleJson(bi?.main ?? null),
    deps: bi?.deps.length ?? 0,
    vcs: vcs === null ? null : { system: vcs, revision: setting('vcs.revision'), time: setting('vcs.time'), modified: setting('vcs.modified') === null ? null : setting('vcs.modified') === 'true' },
    goos: setting('GOOS') ?? (s ? 'linux' : null),
    goarch: setting('GOARCH') ?? (s ? goarch(elf) : null),
    settings: bi?.settings ?? [],
    buildInfo: g.rawBuildInfo ? { address: g.rawBuildInfo.address, source: g.rawBuildInfo.source, format: g.rawBuildInfo.format } : null,
    pclntab:
      s && h && t
        ? {
            format: h.format,
            releases: FORMAT_RELEASES[h.format],
            magic: '0x' + h.magic.toString(16),
            order: h.order,
            quantum: h.quantum,
            pointerSize: h.ptrSize,
            address: s.location.address,
            size: s.location.data.length,
            source: s.location.source,
            textStart: t.textStart,
            textStartSource: s.textStartSource,
            moduledata: s.moduledata ? { address: s.moduledata.address, source: s.moduledata.source } : null,
            gofunc: t.gofunc ?? null,
            funcs: t.funcCount,
            files: h.nfiles,
          }
        : null,
    stripped: {
      symtab: elf.symbolTables('symtab').length === 0,
      dwarf: !elf.sections.some((x) => /^\.z?debug_info$/.test(x.name)),
    },
    errors: g.errors.map((e) => e.message),
  };
}

/** `go` facts for `elfkit info`: null for a binary without Go metadata. */
export function goInfoFacts(elf: ElfFile): Record<string, unknown> {
  const g = inspectGo(imageOf(elf));
  if (g.kind === 'not-go') return { go: null };
  const m = goInfoModel(elf, '', g);
  return {
    go: {
      kind: m.kind,
      version: m.version,
      versionFromPclntab: m.versionFromPclntab,
      buildId: m.buildId,
      path: m.path,
      goos: m.goos,
      goarch: m.goarch,
      pclntab: m.pclntab ? { format: m.pclntab.format, funcs: m.pclntab.funcs, files: m.pclntab.files } : null,
    },
  };
}
