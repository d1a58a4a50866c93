import type { ByteSource } from '@elfkit/binary';
import { concat, readChunks } from './access.js';
import { sniffCompression } from './compression.js';
import { ImageError, isImageError, type ImageWarning } from './errors.js';
import { captureIfElf } from './elf/capture.js';
import { debugFileHost, debugLocation, type DebugLocation, type ElfState } from './elf/debug-location.js';
import { readElfFacts, type ElfFacts } from './elf/facts.js';
import { resolveHost, type ImageHost, type ResolvedHost } from './host.js';
import { openLayerStream, type ExpansionLimits, type LayerRef, type LayerStream } from './layer-stream.js';
import { openImage, type ImageInfo, type ImageInput, type ImageSelection, type OpenedImage } from './layout/open-image.js';
import type { TarLimits } from './tar/reader.js';
import type { ImageFiles } from './layout/files.js';
import { applyLayer, type LayerStats } from './tree/apply-layer.js';
import { FileTree, type FsNode } from './tree/file-tree.js';
import type { Inode } from './tree/inode.js';

/** Options for opening an image. */
export interface OpenOptions extends ImageSelection {
  readonly host?: ImageHost;
}

/** Options for building the file tree. */
export interface TreeOptions {
  /** Analyse ELF files as they stream past (default true). */
  readonly elf?: boolean;
  /** Record each regular file's sha256 (`Inode.digest`). */
  readonly hashFiles?: boolean;
  /** Most names in the tree (default 1,000,000). */
  readonly maxFiles?: number;
  readonly tar?: TarLimits;
  readonly expansion?: ExpansionLimits;
  /** Called as layers stream: after each chunk of work. */
  readonly onProgress?: (p: ScanProgress) => void;
  /** ELF options: decoders for compressed sections, a fast CRC-32. */
  readonly crc32?: (source: ByteSource) => number;
  /**
   * Keep going past a layer that cannot be read to its end (cut short,
   * corrupt, failing its digest): the entries read before the damage stay
   * in the tree, the following layers are applied, and the failure is a
   * warning with code `layer-damaged` — to show what an image holds, as
   * readelf prints what a damaged file holds. Default false: the
   * ImageError is thrown (a runtime would refuse such an image).
   */
  readonly keepGoing?: boolean;
}

/** How far a scan is. */
export interface ScanProgress {
  readonly layer: number;
  readonly layers: number;
  /** Stored (compressed) bytes of all layers read so far. */
  readonly storedBytes: number;
  /** Sum of the layers' stored sizes, when every descriptor gives one. */
  readonly storedTotal?: number;
  /** Regular files seen so far. */
  readonly entries: number;
  readonly elfFiles: number;
}

/** One layer as it was read. */
export interface LayerReport {
  readonly index: number;
  readonly name: string;
  readonly mediaType?: string;
  readonly compression: string;
  readonly storedBytes?: number;
  readonly uncompressedBytes: number;
  readonly entries: number;
  readonly whiteouts: number;
}

/** An ELF file in the image's final file system. */
export interface ImageElfFile {
  /** Absolute path in the image (`/usr/bin/ls`). */
  readonly path: string;
  /** Other names of the same file (hard links). */
  readonly links: readonly string[];
  readonly size: number;
  readonly mode: number;
  /** `sha256:…` of the content. */
  readonly digest: string;
  /** The layer whose entry provided the file. */
  readonly layer: { readonly index: number; readonly name: string };
  /** Its facts, or undefined when it could not be read (see `error`). */
  readonly facts?: ElfFacts;
  readonly error?: string;
  /** Where its debug information is. */
  readonly debug?: DebugLocation;
}

/**
 * A container image — an OCI layout (directory or tar) or a `docker save`
 * tarball — read without a daemon and without unpacking it: its manifest,
 * configuration and layers, the file tree the layers make (in memory,
 * metadata only), the ELF files in it with their facts, and any file's
 * bytes by path.
 *
 * @example
 * ```ts
 * import { ContainerImage } from '@elfkit/image';
 * import { nodeImageHost, openImageInput } from '@elfkit/image/node';
 * const image = await ContainerImage.open(await openImageInput('app.tar'), { host: nodeImageHost(), platform: 'linux/amd64' });
 * await image.build();
 * for (const f of image.elfFiles()) console.log(f.path, f.facts?.buildId);
 * const bytes = await image.readFile('/usr/bin/app');
 * ```
 */
export class ContainerImage {
  private treeBuilt?: FileTree<ElfState>;
  private layerReports: LayerReport[] = [];
  private readonly opened: OpenedImage;
  readonly warnings: ImageWarning[];
  private readonly host: ResolvedHost;

  private constructor(opened: OpenedImage, host: ResolvedHost) {
    this.opened = opened;
    this.host = host;
    this.warnings = [...opened.warnings];
  }

  /** Opens an image and chooses the one manifest to read (by platform and tag). */
  static async open(input: ImageInput, options: OpenOptions = {}): Promise<ContainerImage> {
    const host = resolveHost(options.host);
    return new ContainerImage(await openImage(input, options, host), host);
  }

  /** The chosen image: format, tags, digest, manifest, configuration, layers, annotations, referrers. */
  get info(): ImageInfo {
    return this.opened.info;
  }

  /** The files the image is read from (index.json, blobs…). */
  get files(): ImageFiles {
    return this.opened.files;
  }

  /** The layers as read by {@link build}. */
  get layers(): readonly LayerReport[] {
    return this.layerReports;
  }

  /** The file tree (after {@link build}). */
  get tree(): FileTree<ElfState> {
    if (!this.treeBuilt) throw new Error('ContainerImage.build() has not run');
    return this.treeBuilt;
  }

  /** Opens one layer's tar stream (sha256 checked as it streams; call `finish()` after reading). */
  async openLayer(layer: LayerRef, limits: { tar?: TarLimits; expansion?: ExpansionLimits } = {}): Promise<LayerStream> {
    const access = await this.opened.files.open(layer.path);
    if (!access) throw new ImageError('missing-blob', `the image has no blob for layer ${layer.index}`, { blob: layer.name });
    return openLayerStream(access, layer, { hasher: this.host.hasher, decompressors: this.host.decompressors, tar: limits.tar, expansion: limits.expansion });
  }

  /**
   * Streams every layer, base first, and applies it to an in-memory tree;
   * ELF files are analysed as they pass and dropped. Memory holds the tree's
   * metadata and one ELF file at a time (larger ones go to the host's
   * temporary storage).
   */
  async build(options: TreeOptions = {}): Promise<FileTree<ElfState>> {
    const tree = new FileTree<ElfState>();
    const layers = this.info.layers;
    const storedTotal = layers.every((l) => l.size !== undefined) ? layers.reduce((n, l) => n + l.size!, 0) : undefined;
    let storedDone = 0;
    let entries = 0;
    let elfFiles = 0;
    const analyse = options.elf !== false;
    const reports: LayerReport[] = [];
    for (const layer of layers) {
      const stream = await this.openLayer(layer, options);
      let stats: LayerStats;
      const progress = () => options.onProgress?.({ layer: layer.index, layers: layers.length, storedBytes: storedDone + stream.storedBytes, storedTotal, entries, elfFiles });
      try {
        stats = await applyLayer(tree, stream.tar, layer.index, layer.name, {
          warn: (w) => this.warnings.push(w),
          maxFiles: options.maxFiles,
          onFile: async (inode, entry, data) => {
            entries++;
            if (!analyse && !options.hashFiles) return;
            const hasher = options.hashFiles ? this.host.hasher('sha256') : undefined;
            const captured = analyse ? await captureIfElf(entry.size, data(), this.host, hasher) : await hashOnly(data(), hasher!);
            if (hasher) inode.digest = `sha256:${hasher.hex()}`;
            if (captured.kind === 'too-large') {
              elfFiles++;
              inode.facts = { error: `ELF file of ${entry.size} bytes is over the memory limit and the host has no temporary storage`, digest: `sha256:${captured.sha256}` };
              this.warnings.push({ code: 'elf-too-large', message: inode.facts.error!, blob: layer.name, entry: entry.path });
            } else if (captured.kind === 'elf') {
              elfFiles++;
              try {
                inode.facts = { facts: readElfFacts(captured.file.source, { crc32: options.crc32 }), digest: `sha256:${captured.sha256}` };
              } catch (e) {
                if (isImageError(e)) throw e;
                const message = (e as Error).message ?? String(e);
                inode.facts = { error: message, digest: `sha256:${captured.sha256}` };
                this.warnings.push({ code: 'elf-unreadable', message: `ELF file not readable: ${message}`, blob: layer.name, entry: entry.path });
              } finally {
                await captured.file.release();
              }
            }
            if (entries % 256 === 0) progress();
          },
        });
        await stream.finish();
      } catch (e) {
        await stream.close().catch(() => {});
        if (!options.keepGoing || !isImageError(e)) throw e;
        this.warnings.push({ code: 'layer-damaged', message: `layer ${layer.index} not read to its end (the entries before the damage are kept): ${e.reason}`, blob: e.blob ?? layer.name, entry: e.entry, offset: e.offset });
        continue;
      }
      storedDone += stream.storedBytes;
      progress();
      reports.push({
        index: layer.index,
        name: layer.name,
        mediaType: layer.mediaType,
        compression: stream.compression,
        storedBytes: layer.size,
        uncompressedBytes: stream.uncompressedBytes,
        entries: stats.entries,
        whiteouts: stats.whiteouts,
      });
    }
    this.treeBuilt = tree;
    this.layerReports = reports;
    return tree;
  }

  /** Every ELF file in the final file system, in path order, with where its debug information is (after {@link build}). */
  *elfFiles(): Generator<ImageElfFile> {
    const tree = this.tree;
    const host = debugFileHost(tree);
    const seen = new Map<Inode<ElfState>, string[]>();
    const nodes: FsNode<ElfState>[] = [];
    for (const node of tree.walk()) {
      const inode = node.inode;
      if (inode.kind !== 'file' || !inode.facts) continue;
      const names = seen.get(inode);
      if (names) names.push('/' + node.path);
      else {
        seen.set(inode, []);
        nodes.push(node);
      }
    }
    for (const node of nodes) {
      const inode = node.inode;
      const path = '/' + node.path;
      const state = inode.facts!;
      yield {
        path,
        links: seen.get(inode)!,
        size: inode.size,
        mode: inode.mode,
        digest: state.digest ?? '',
        layer: { index: inode.layer, name: this.info.layers[inode.layer]?.name ?? String(inode.layer) },
        facts: state.facts,
        error: state.error,
        debug: state.facts ? debugLocation(path, state.facts, host) : undefined,
      };
    }
  }

  /** The bytes of the file at `path` in the final file system (symlinks followed), read from its layer. */
  async readFile(path: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const c of this.fileChunks(path)) parts.push(c.slice());
    return concat(parts);
  }

  /**
   * Streams the bytes of the file at `path`: straight from the blob when
   * its layer is stored uncompressed, else by decompressing the layer up
   * to the file (the blob was checked when the tree was built).
   */
  async *fileChunks(path: string): AsyncGenerator<Uint8Array> {
    const node = this.tree.get(path, true);
    if (!node) throw new ImageError('not-found', `no such file in the image: ${path}`);
    const inode = node.inode;
    if (inode.kind !== 'file') throw new ImageError('not-found', `not a regular file in the image: ${path} (${inode.kind})`);
    if (inode.sparse) throw new ImageError('unsupported', `sparse file: its contents are not read: ${path}`);
    const layer = this.info.layers[inode.layer]!;
    const access = await this.opened.files.open(layer.path);
    if (!access) throw new ImageError('missing-blob', `the image has no blob for layer ${layer.index}`, { blob: layer.name });
    const head = await access.read(0, Math.min(8, access.size));
    const compression = sniffCompression(head);
    if (compression === 'none') {
      yield* readChunks(access, inode.dataOffset, inode.size);
      return;
    }
    if (compression !== 'gzip' && compression !== 'zstd') throw new ImageError('unsupported', `layer is ${compression}-compressed`, { blob: layer.name });
    const plain = this.host.decompressors[compression](readChunks(access));
    let at = 0;
    const start = inode.dataOffset;
    const end = start + inode.size;
    for await (const c of plain) {
      const cEnd = at + c.length;
      if (cEnd > start) yield c.subarray(Math.max(0, start - at), Math.min(c.length, end - at));
      at = cEnd;
      if (at >= end) return;
    }
    if (at < end) throw new ImageError('truncated', `layer ends before the data of ${path}`, { blob: layer.name, offset: at });
  }

  /** Frees temporary storage. */
  async close(): Promise<void> {
    await this.opened.close();
  }
}

async function hashOnly(chunks: AsyncIterable<Uint8Array>, hasher: { update(b: Uint8Array): void }): Promise<{ kind: 'not-elf' }> {
  for await (const c of chunks) hasher.update(c);
  return { kind: 'not-elf' };
}
