import { debugArtifacts, imageAnnotations, type ImageAnnotation } from './annotations.js';
import type { ImageElfFile, LayerReport, TreeOptions, ContainerImage } from './container-image.js';
import type { ElfFacts } from './elf/facts.js';
import type { ImageWarning } from './errors.js';
import { platformText } from './layout/documents.js';
import type { ImageInfo, Referrer } from './layout/open-image.js';

/** Options for {@link scanImage}. */
export type ScanOptions = TreeOptions;

/** Counts over an image's ELF files. */
export interface ScanSummary {
  readonly elfFiles: number;
  /** By kind: `executable`, `pie`, `shared-library`, `relocatable`, `core`, `debug-file`, `other`. */
  readonly kinds: Readonly<Record<string, number>>;
  /** By machine (`x86-64`, `aarch64`). */
  readonly arches: Readonly<Record<string, number>>;
  /** Go binaries by Go version. */
  readonly goVersions: Readonly<Record<string, number>>;
  /** Where debug information is, by kind (`in-file`, `build-id`, `debuglink`, `missing`). */
  readonly debug: Readonly<Record<string, number>>;
  readonly stripped: number;
  readonly unreadable: number;
  /** Paths of ELF files with no GNU build id (separate debug files not counted). */
  readonly withoutBuildId: readonly string[];
  /** Paths of ELF files whose debug information is nowhere in the image. */
  readonly debugMissing: readonly string[];
}

/** Everything `elfkit image scan` reports. */
export interface ScanResult {
  readonly image: {
    readonly source: string;
    readonly format: string;
    readonly container: string;
    readonly tags: readonly string[];
    readonly digest: string | null;
    readonly configDigest: string | null;
    readonly platform: string | null;
    readonly layers: readonly LayerReport[];
    readonly others: readonly { digest: string | null; platform: string | null; tags: readonly string[] }[];
  };
  readonly files: readonly ImageElfFile[];
  readonly summary: ScanSummary;
  /** Provenance and debug annotations and labels. */
  readonly annotations: readonly ImageAnnotation[];
  /** Debug-information artifacts attached to the image (`attach-debug`), with their signature bundles. */
  readonly debugArtifacts: readonly { readonly artifact: Referrer; readonly signatures: readonly Referrer[] }[];
  /** Every referrer (attestations, signatures, artifacts). */
  readonly referrers: readonly Referrer[];
  readonly warnings: readonly ImageWarning[];
}

/** The short kind of an ELF file for counting. */
export function elfKind(f: ElfFacts): string {
  if (f.debugOnly) return 'debug-file';
  if (f.type.startsWith('EXEC')) return 'executable';
  if (f.type.startsWith('DYN')) return f.type.includes('Position-Independent') ? 'pie' : 'shared-library';
  if (f.type.startsWith('REL')) return 'relocatable';
  if (f.type.startsWith('CORE')) return 'core';
  return 'other';
}

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

/** Counts over `files`. */
export function summarize(files: readonly ImageElfFile[]): ScanSummary {
  const kinds: Record<string, number> = {};
  const arches: Record<string, number> = {};
  const goVersions: Record<string, number> = {};
  const debug: Record<string, number> = {};
  const withoutBuildId: string[] = [];
  const debugMissing: string[] = [];
  let stripped = 0;
  let unreadable = 0;
  for (const f of files) {
    const x = f.facts;
    if (!x) {
      unreadable++;
      continue;
    }
    bump(kinds, elfKind(x));
    bump(arches, x.arch);
    if (x.go) bump(goVersions, x.go.version);
    if (x.stripped) stripped++;
    if (x.debugOnly) continue;
    if (f.debug) bump(debug, f.debug.kind);
    if (!x.buildId) withoutBuildId.push(f.path);
    if (f.debug?.kind === 'missing') debugMissing.push(f.path);
  }
  return { elfFiles: files.length, kinds, arches, goVersions, debug, stripped, unreadable, withoutBuildId, debugMissing };
}

function imageSummary(info: ImageInfo, layers: readonly LayerReport[]): ScanResult['image'] {
  return {
    source: info.source,
    format: info.format,
    container: info.container + (info.archiveCompression !== 'none' ? ` (${info.archiveCompression})` : ''),
    tags: info.tags,
    digest: info.digest ?? null,
    configDigest: info.configDigest ?? null,
    platform: info.platform ? platformText(info.platform) : null,
    layers,
    others: info.others.map((o) => ({ digest: o.digest ?? null, platform: o.platform ? platformText(o.platform) : null, tags: o.tags })),
  };
}

/**
 * Scans an image: builds its file tree (analysing every ELF file as it
 * streams past) and reports each ELF file of the final file system, a
 * summary, the image's provenance and debug annotations, and its debug
 * artifacts.
 */
export async function scanImage(image: ContainerImage, options: ScanOptions = {}): Promise<ScanResult> {
  await image.build(options);
  const files = [...image.elfFiles()];
  const info = image.info;
  return {
    image: imageSummary(info, image.layers),
    files,
    summary: summarize(files),
    annotations: imageAnnotations(info),
    debugArtifacts: debugArtifacts(info),
    referrers: info.referrers.map(({ manifest: _m, ...r }) => r),
    warnings: image.warnings,
  };
}
