import type { ByteSource } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import { crc32, type DebugFile } from '@elfkit/dwarf';
import { elfLoader, type ElfDebugHost, type FoundDebugFile } from './debug-info.js';
import type { SymbolizeHost } from './host.js';

/** A file opened through the host, parsed as ELF. */
export interface OpenedFile extends FoundDebugFile {
  readonly path: string;
  readonly source: ByteSource;
}

/**
 * The files a symbolizer opened through its host, each opened once: a
 * miss is remembered too, so a second lookup never repeats a failed
 * search. Lookups that must stay synchronous (split units, found while a
 * lookup runs) read the files already opened through {@link syncHost}.
 */
export class FileCache {
  private readonly pending = new Map<string, Promise<OpenedFile | null>>();
  private readonly done = new Map<string, OpenedFile | null>();

  constructor(readonly host: SymbolizeHost) {}

  /** The ELF file at `path`, or undefined when the host has none or it is not ELF. */
  async open(path: string): Promise<OpenedFile | undefined> {
    const known = this.done.get(path);
    if (known !== undefined) return known ?? undefined;
    let p = this.pending.get(path);
    if (!p) {
      p = this.load(path, async () => await this.host.open(path));
      this.pending.set(path, p);
    }
    return (await p) ?? undefined;
  }

  /** The debug file with `buildId` from the host's fetcher (debuginfod), once. */
  async fetch(buildId: string): Promise<OpenedFile | undefined> {
    if (!this.host.fetchByBuildId) return undefined;
    const key = `buildid:${buildId}`;
    const known = this.done.get(key);
    if (known !== undefined) return known ?? undefined;
    let p = this.pending.get(key);
    if (!p) {
      let where = key;
      p = this.load(
        key,
        async () => {
          const f = await this.host.fetchByBuildId!(buildId, 'debuginfo');
          if (f) where = f.path;
          return f?.source;
        },
        () => where,
      );
      this.pending.set(key, p);
    }
    return (await p) ?? undefined;
  }

  /** The file at `path` if it was opened already; undefined if it was not tried or is missing. */
  peek(path: string): OpenedFile | undefined {
    return this.done.get(path) ?? undefined;
  }

  /** True when `path` was tried (found or not). */
  tried(path: string): boolean {
    return this.done.has(path);
  }

  /** Wraps bytes already in hand (a module created from an ElfFile) so they are not opened twice. */
  adopt(path: string, elf: ElfFile): OpenedFile {
    const o = this.describe(path, elf.source, elf);
    this.done.set(path, o);
    return o;
  }

  /** A synchronous view of the files opened so far, for the DWARF readers. */
  syncHost(): ElfDebugHost {
    return {
      open: (path) => this.peek(path)?.file,
      openedElf: (path) => this.peek(path)?.elf,
    };
  }

  /** Closes every source. */
  close(): void {
    for (const o of this.done.values()) if (o) this.host.close?.(o.source);
    this.done.clear();
    this.pending.clear();
  }

  /** Opens what `get` returns as `key`, named `name()` (a fetched file is named where the host put it). */
  private async load(key: string, get: () => Promise<ByteSource | undefined>, name: () => string = () => key): Promise<OpenedFile | null> {
    let result: OpenedFile | null = null;
    try {
      const source = await get();
      if (source) {
        try {
          const elf = ElfFile.parse(source, { decompressors: this.host.decompressors });
          result = this.describe(name(), source, elf);
        } catch {
          this.host.close?.(source);
        }
      }
    } catch {
      result = null;
    }
    this.done.set(key, result);
    this.pending.delete(key);
    return result;
  }

  private describe(path: string, source: ByteSource, elf: ElfFile): OpenedFile {
    let loader: ReturnType<typeof elfLoader> | undefined;
    let crc: number | undefined;
    let buildId: string | undefined;
    try {
      buildId = elf.buildId();
    } catch {
      buildId = undefined;
    }
    const host = this.host;
    const file: DebugFile = {
      path,
      order: elf.header.order,
      load: (name) => (loader ??= elfLoader(elf)).load(name),
      crc32: () => (crc ??= (host.crc32 ?? crc32)(source.read(0, source.size))),
      buildId,
    };
    return { path, source, elf, file };
  }
}
