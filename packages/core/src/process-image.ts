import { isParseError, type ByteSource, type ParseError } from '@elfkit/binary';
import { AT_ENTRY, AT_PAGESZ, AT_SYSINFO_EHDR, ElfFile, type ElfFileOptions, type MappedFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { archOf, Registers, unwind, type Arch, type Backtrace, type ModuleResolver, type UnwindOptions } from '@elfkit/unwind';
import { CoreFile, type CoreThread } from './core-file.js';
import { underSysroot, type CoreHost } from './host.js';
import { CoreMemory, memorySource } from './memory.js';
import { CoreModule, type ModuleFileStatus } from './module.js';

/** How to read a core. */
export interface CoreProcessOptions {
  /** Opens the files the process had mapped; without one, only what the core holds is read. */
  readonly host?: CoreHost;
  /** Prefix for the mapped paths (gdb's `set sysroot`): where a copy of the crashed machine's files lives. */
  readonly sysroot?: string;
  /** The executable to use instead of the one at its mapped path (gdb's `file`, eu-stack's `-e`). */
  readonly exe?: string;
  /** Decoders for compressed sections of the module files. */
  readonly decompressors?: ElfFileOptions['decompressors'];
  /**
   * Where to look for a module by build id when its path has none or
   * another build: `<dir>/.build-id/ab/cdef…` (Debian's debug packages link
   * the binary there), after the host's own `findByBuildId`.
   */
  readonly debugFileDirectories?: readonly string[];
}

/**
 * The process a core file records: its threads and registers, the signal,
 * its memory (the core's bytes, then the mapped files'), and its modules —
 * executable, shared libraries and the vDSO — found from NT_FILE and the
 * ELF headers and build-id notes in the core's memory, each matched to its
 * file by path (under the sysroot) or by build id, with the load bias the
 * loader applied. {@link backtrace} unwinds a thread through them.
 */
export class CoreProcess implements ModuleResolver {
  readonly core: CoreFile;
  readonly memory: CoreMemory;
  readonly modules: readonly CoreModule[];
  /** The unwinder's description of the machine, or undefined for a machine it does not know. */
  readonly arch?: Arch;
  /** What could not be read (a note, a module's headers), each a ParseError naming where. */
  readonly problems: ParseError[] = [];
  private readonly opened = new Map<string, ByteSource | null>();
  private readonly byPath = new Map<string, CoreModule>();

  private constructor(core: CoreFile, private readonly options: CoreProcessOptions) {
    this.core = core;
    this.problems.push(...core.problems);
    this.arch = archOf(core.elf.header.machine);
    const mappings = core.files?.files ?? [];
    // Headers come from the core alone: the first page of every ELF mapping is dumped (coredump_filter bit 4).
    const coreOnly = new CoreMemory(core.elf, mappings, () => undefined);
    this.modules = this.findModules(coreOnly, mappings);
    this.memory = new CoreMemory(core.elf, mappings, (path) => this.sourceFor(path));
  }

  /** Reads a core (bytes, a random-access source, or an ElfFile) and finds its modules. Throws ParseError when it is not a core. */
  static open(input: Uint8Array | ByteSource | ElfFile, options: CoreProcessOptions = {}): CoreProcess {
    return new CoreProcess(CoreFile.parse(input, { decompressors: options.decompressors }), options);
  }

  /** Every thread of the core, in note order (the kernel writes the one that took the signal first). */
  get threads(): readonly CoreThread[] {
    return this.core.threads;
  }

  /** The process id (from NT_PRPSINFO, else the first thread's NT_PRSTATUS); undefined when neither is readable. */
  get pid(): number | undefined {
    return this.core.pid;
  }

  /** The executable's module (the one that maps AT_ENTRY). */
  get executable(): CoreModule | undefined {
    return this.modules.find((m) => m.isExecutable);
  }

  /** True when the core is shorter than its program headers say. */
  get truncated(): boolean {
    return this.memory.missingBytes > 0;
  }

  /** The module whose mapping holds `address`, or undefined. */
  moduleAt(address: bigint): CoreModule | undefined {
    // Indexed: asked for every frame of every thread, mostly before V8 optimizes it (for…of pays the iterator protocol).
    const modules = this.modules;
    for (let i = 0; i < modules.length; i++) {
      const m = modules[i]!;
      if (address >= m.start && address < m.end) return m;
    }
    return undefined;
  }

  /** A thread's registers for the unwinder (undefined for a machine it does not know). */
  registers(thread: CoreThread): Registers | undefined {
    if (!this.arch || !thread.status.registers) return undefined;
    // Made once per thread (Registers are immutable): a core's backtraces ask for each thread's more than once.
    let r = this.threadRegisters.get(thread);
    const block = thread.status.registers;
    if (!r) this.threadRegisters.set(thread, (r = Registers.fromValues(this.arch, block.layout.names, block.values)));
    return r;
  }

  private readonly threadRegisters = new WeakMap<CoreThread, Registers>();

  /** Unwinds `thread`'s stack. */
  backtrace(thread: CoreThread, options: UnwindOptions = {}): Backtrace {
    const regs = this.registers(thread);
    if (!regs) return { frames: [], stop: { kind: 'unknown-register', register: -1 } };
    return unwind(regs, this.memory, this, { pacMask: thread.pacMask?.insnMask, ...options });
  }

  /** The file mapped at `path` as the process saw it: the module's verified file, or (for data files) the file at the path. */
  private sourceFor(path: string): ByteSource | undefined {
    const m = this.byPath.get(path);
    if (m) return m.elf && m.file.kind !== 'memory' ? m.elf.source : undefined;
    return this.open(underSysroot(this.options.sysroot, path));
  }

  private open(path: string): ByteSource | undefined {
    let s = this.opened.get(path);
    if (s === undefined) {
      s = this.options.host?.open(path) ?? null;
      this.opened.set(path, s);
    }
    return s ?? undefined;
  }

  private findModules(coreOnly: CoreMemory, mappings: readonly MappedFile[]): CoreModule[] {
    const core = this.core;
    const entry = core.auxvValue(AT_ENTRY);
    const pageSize = core.auxvValue(AT_PAGESZ) ?? 4096n;
    const groups = new Map<string, MappedFile[]>();
    for (const m of mappings) {
      const g = groups.get(m.path);
      if (g) g.push(m);
      else groups.set(m.path, [m]);
    }
    const modules: CoreModule[] = [];
    for (const [path, maps] of groups) {
      const first = maps.find((m) => m.offset === 0n);
      if (!first) continue;
      const start = maps.reduce((a, m) => (m.start < a ? m.start : a), maps[0]!.start);
      const end = maps.reduce((a, m) => (m.end > a ? m.end : a), maps[0]!.end);
      const head = coreOnly.read(first.start, 4);
      const isExe = entry !== undefined && entry >= start && entry < end;
      let image: ElfFile | undefined;
      if (head && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
        try {
          image = ElfFile.parse(memorySource(coreOnly, first.start, Number(end - first.start), `${path} in memory`));
          void image.segments;
        } catch (e) {
          if (!isParseError(e)) throw e;
          this.problems.push(e);
          image = undefined;
        }
      } else if (head) continue; // a data file mapped at offset 0 (locale archive, font): not a module
      const module = this.resolve(path, first.start, start, end, image, isExe, pageSize);
      if (module) {
        modules.push(module);
        this.byPath.set(path, module);
      }
    }
    if (!modules.some((m) => m.isExecutable)) {
      const exe = this.executableFromAuxv();
      if (exe) modules.push(exe);
    }
    const vdso = this.vdso(coreOnly);
    if (vdso) modules.push(vdso);
    return modules.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /**
   * Without NT_FILE (qemu-user's cores, old kernels) the executable given
   * with `exe` is placed by the auxiliary vector: AT_PHDR is where the
   * loader found its program headers, which gives the bias.
   */
  private executableFromAuxv(): CoreModule | undefined {
    const exe = this.options.exe;
    const phdr = this.core.auxvValue(3);
    if (!exe || phdr === undefined) return undefined;
    const src = this.open(exe);
    if (!src) return undefined;
    try {
      const elf = ElfFile.parse(src, { decompressors: this.options.decompressors });
      const loads = elf.segments.filter((p) => p.type === C.PT_LOAD);
      const ph = elf.segments.find((p) => p.type === C.PT_PHDR);
      const phdrVaddr = ph ? ph.vaddr : (loads.find((p) => p.offset === 0)?.vaddr ?? 0n) + BigInt(elf.header.phoff);
      const bias = phdr - phdrVaddr;
      const lo = loads.reduce((a, p) => (p.vaddr < a ? p.vaddr : a), loads[0]?.vaddr ?? 0n);
      const hi = loads.reduce((a, p) => (p.vaddr + p.memsz > a ? p.vaddr + p.memsz : a), 0n);
      return new CoreModule(exe, lo + bias, hi + bias, bias, safeBuildId(elf), true, { kind: 'given', path: exe }, elf);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.problems.push(e);
      return undefined;
    }
  }

  /** Builds the module for `path` mapped at `base`: its bias and build id from the image in memory, its file by path or build id. */
  private resolve(path: string, base: bigint, start: bigint, end: bigint, image: ElfFile | undefined, isExe: boolean, pageSize: bigint): CoreModule | undefined {
    const opts = { decompressors: this.options.decompressors };
    let buildId: string | undefined;
    let headers: ElfFile | undefined = image;
    try {
      buildId = image?.segments.length ? buildIdOf(image) : undefined;
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.problems.push(e);
    }
    // The file: --exe, then the mapped path (under the sysroot), then the build id.
    let file: ModuleFileStatus;
    let elf: ElfFile | undefined;
    const tryOpen = (p: string): ElfFile | undefined => {
      const src = this.open(p);
      if (!src) return undefined;
      try {
        return ElfFile.parse(src, opts);
      } catch (e) {
        if (!isParseError(e)) throw e;
        this.problems.push(e);
        return undefined;
      }
    };
    const given = isExe && this.options.exe ? tryOpen(this.options.exe) : undefined;
    // Under the sysroot first; then the path itself (a build-id check keeps the host's own copy from standing in for another build).
    const sysrootPath = underSysroot(this.options.sysroot, path);
    let atPathName = sysrootPath;
    let atPath = given ? undefined : tryOpen(sysrootPath);
    if (!given && !atPath && this.options.sysroot) {
      atPath = tryOpen(path);
      atPathName = path;
    }
    const candidate = given ?? atPath;
    const candidateId = candidate ? safeBuildId(candidate) : undefined;
    if (candidate && (!buildId || !candidateId || candidateId === buildId)) {
      elf = candidate;
      file = given ? { kind: 'given', path: this.options.exe! } : { kind: 'path', path: atPathName };
    } else {
      const found = buildId ? this.findByBuildId(buildId) : undefined;
      if (found) {
        elf = found.elf;
        file = { kind: 'build-id', path: found.path };
      }
      file ??= candidate
        ? { kind: 'mismatch', path: given ? this.options.exe! : atPathName, expected: buildId!, found: candidateId }
        : { kind: 'missing', path: sysrootPath };
    }
    headers ??= elf;
    if (!headers) return new CoreModule(path, start, end, 0n, buildId, isExe, file, undefined);
    // The loader maps the segment with file offset 0 at base: bias = base − its (page-aligned) link address.
    const loads = headers.segments.filter((p) => p.type === C.PT_LOAD);
    const firstLoad = loads.find((p) => p.offset === 0) ?? loads[0];
    const link = firstLoad ? (firstLoad.vaddr - BigInt(firstLoad.offset)) & ~(pageSize - 1n) : 0n;
    return new CoreModule(path, start, end, base - link, buildId, isExe, file, elf);
  }

  /** The file with GNU build id `id`: the host's own store, else `.build-id/ab/cdef…` under the debug directories; checked to carry that id. */
  private findByBuildId(id: string): { path: string; elf: ElfFile } | undefined {
    const candidates: { path: string; source: ByteSource | undefined }[] = [];
    const fromHost = this.options.host?.findByBuildId?.(id);
    if (fromHost) candidates.push(fromHost);
    if (id.length > 2) {
      for (const dir of this.options.debugFileDirectories ?? []) {
        const path = `${dir.replace(/\/+$/, '')}/.build-id/${id.slice(0, 2)}/${id.slice(2)}`;
        candidates.push({ path, source: this.open(path) });
      }
    }
    for (const c of candidates) {
      if (!c.source) continue;
      try {
        const elf = ElfFile.parse(c.source, { decompressors: this.options.decompressors });
        // A separate debug file carries the id too, but not the code (its .text is NOBITS).
        const text = elf.section('.text');
        if (safeBuildId(elf) === id && (!text || text.type !== C.SHT_NOBITS)) return { path: c.path, elf };
      } catch (e) {
        if (!isParseError(e)) throw e;
        this.problems.push(e);
      }
    }
    return undefined;
  }

  /** The vDSO: an ELF image the kernel maps at AT_SYSINFO_EHDR, dumped whole into the core. */
  private vdso(coreOnly: CoreMemory): CoreModule | undefined {
    const base = this.core.auxvValue(AT_SYSINFO_EHDR);
    if (!base) return undefined;
    try {
      const probe = ElfFile.parse(memorySource(coreOnly, base, 0x1000, '[vdso]'));
      const loads = probe.segments.filter((p) => p.type === C.PT_LOAD);
      if (!loads.length) return undefined;
      const lo = loads.reduce((a, p) => (p.vaddr < a ? p.vaddr : a), loads[0]!.vaddr);
      const hi = loads.reduce((a, p) => (p.vaddr + p.memsz > a ? p.vaddr + p.memsz : a), 0n);
      const size = Number(hi - lo);
      const shEnd = probe.header.shoff + probe.header.shnum * probe.header.shentsize;
      const image = ElfFile.parse(memorySource(coreOnly, base, Math.max(size, shEnd), '[vdso]'));
      return new CoreModule('[vdso]', base, base + BigInt(size), base - lo, safeBuildId(image), false, { kind: 'memory' }, image);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.problems.push(e);
      return undefined;
    }
  }
}

/** The GNU build id from an image's PT_NOTE segments (what the loader and the core see). */
function buildIdOf(elf: ElfFile): string | undefined {
  for (const n of elf.segmentNotes()) if (n.owner === 'GNU' && n.type === 3) return [...n.desc].map((b) => b.toString(16).padStart(2, '0')).join('');
  return undefined;
}

function safeBuildId(elf: ElfFile): string | undefined {
  try {
    return elf.buildId() ?? buildIdOf(elf);
  } catch (e) {
    if (isParseError(e)) return undefined;
    throw e;
  }
}
