import { onlyKeepDebug } from '@elfkit/elf/rewrite';
import type { ContainerImage, ImageElfFile } from './container-image.js';

/** One file of a `.build-id` debug tree, and where its bytes come from. */
export interface DebugTreeFile {
  /** GNU build id, lowercase hex. */
  readonly buildId: string;
  /** Path in the tree: `.build-id/ab/cdef….debug`. */
  readonly path: string;
  /**
   * `separate`: a debug file found in the image (copied);
   * `keep-debug`: the binary's own DWARF, split out as `objcopy --only-keep-debug` does.
   */
  readonly from: 'separate' | 'keep-debug';
  /** The image path the bytes are read from. */
  readonly source: string;
  /** The image's ELF files with this build id. */
  readonly binaries: readonly string[];
}

/** What a debug tree holds, and the ELF files left out with the reason. */
export interface DebugTreePlan {
  readonly files: readonly DebugTreeFile[];
  readonly skipped: readonly { readonly path: string; readonly reason: 'no-build-id' | 'no-debug-info' | 'unreadable' }[];
}

/** `.build-id/ab/cdef….debug` for a build id (the layout gdb, debuginfod and Fedora use). */
export function buildIdPath(buildId: string): string {
  if (!/^[0-9a-f]{4,}$/.test(buildId)) throw new Error(`not a build id: ${JSON.stringify(buildId)}`);
  return `.build-id/${buildId.slice(0, 2)}/${buildId.slice(2)}.debug`;
}

/**
 * Plans the `.build-id` debug tree of an image (after `build()`): for each
 * ELF file with a build id, its separate debug file when the image has one,
 * else its own DWARF split out; separate debug files no binary refers to
 * are kept too. One file per build id.
 */
export function planDebugTree(files: Iterable<ImageElfFile>): DebugTreePlan {
  const out = new Map<string, { buildId: string; path: string; from: DebugTreeFile['from']; source: string; binaries: string[] }>();
  const skipped: { path: string; reason: 'no-build-id' | 'no-debug-info' | 'unreadable' }[] = [];
  const orphans: ImageElfFile[] = [];
  for (const f of files) {
    const x = f.facts;
    if (!x) {
      skipped.push({ path: f.path, reason: 'unreadable' });
      continue;
    }
    if (x.debugOnly) {
      orphans.push(f);
      continue;
    }
    if (!x.buildId) {
      skipped.push({ path: f.path, reason: 'no-build-id' });
      continue;
    }
    const have = out.get(x.buildId);
    if (have) {
      have.binaries.push(f.path);
      continue;
    }
    const d = f.debug;
    if (d?.kind === 'build-id' || d?.kind === 'debuglink') out.set(x.buildId, { buildId: x.buildId, path: buildIdPath(x.buildId), from: 'separate', source: d.path, binaries: [f.path] });
    else if (d?.kind === 'in-file') out.set(x.buildId, { buildId: x.buildId, path: buildIdPath(x.buildId), from: 'keep-debug', source: f.path, binaries: [f.path] });
    else skipped.push({ path: f.path, reason: 'no-debug-info' });
  }
  for (const f of orphans) {
    const id = f.facts!.buildId;
    if (id && !out.has(id) && ![...out.values()].some((v) => v.source === f.path)) out.set(id, { buildId: id, path: buildIdPath(id), from: 'separate', source: f.path, binaries: [] });
  }
  return { files: [...out.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), skipped };
}

/** The bytes of one debug tree file, read from the image (and split when it is the binary's own DWARF). */
export async function debugTreeBytes(image: ContainerImage, file: DebugTreeFile): Promise<Uint8Array> {
  const bytes = await image.readFile(file.source);
  return file.from === 'keep-debug' ? onlyKeepDebug(bytes) : bytes;
}
