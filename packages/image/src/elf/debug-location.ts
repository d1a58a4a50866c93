import { findSeparateDebugFile, type DebugFile, type DebugFileHost } from '@elfkit/dwarf';
import type { FileTree } from '../tree/file-tree.js';
import type { ElfFacts } from './facts.js';

/** Where an ELF file's debug information is. */
export type DebugLocation =
  /** The file's own DWARF. */
  | { readonly kind: 'in-file' }
  /** A separate debug file in the image, found as gdb finds it. */
  | { readonly kind: 'build-id' | 'debuglink'; readonly path: string }
  /** Nowhere in the image. */
  | { readonly kind: 'missing'; readonly reason: 'no-build-id-or-debuglink' | 'not-in-image' };

/** What an image file's analysis left on its inode. */
export interface ElfState {
  readonly facts?: ElfFacts;
  /** Why the ELF file could not be read. */
  readonly error?: string;
  /** `sha256:…` of the file's content. */
  readonly digest?: string;
}

/** Debug directories searched inside the image (gdb's default). */
export const IMAGE_DEBUG_DIRECTORIES: readonly string[] = ['/usr/lib/debug'];

/**
 * @elfkit/dwarf's debug-file lookup (gdb's order: `.build-id/xx/….debug`
 * under /usr/lib/debug and beside the binary, then the debug link beside
 * the binary, in `.debug/`, and under /usr/lib/debug) answered from the
 * image's final file tree: the facts recorded while each file streamed
 * past stand in for the file (its build id, and CRC-32 for debug links).
 */
export function debugFileHost(tree: FileTree<ElfState>): DebugFileHost {
  return {
    open(path: string): DebugFile | undefined {
      const node = tree.get(path, true);
      const facts = node?.inode.kind === 'file' ? node.inode.facts?.facts : undefined;
      if (!facts) return undefined;
      return {
        path,
        order: facts.byteOrder,
        load: () => undefined,
        crc32: () => facts.crc32 ?? -1,
        buildId: facts.buildId ?? undefined,
      };
    },
  };
}

/** Where the debug information of the ELF file at `path` (with `facts`) is, in `tree`. */
export function debugLocation(path: string, facts: ElfFacts, host: DebugFileHost): DebugLocation {
  if (facts.dwarf) return { kind: 'in-file' };
  if (!facts.buildId && !facts.debuglink) return { kind: 'missing', reason: 'no-build-id-or-debuglink' };
  const found = findSeparateDebugFile(host, path, {
    buildId: facts.buildId ?? undefined,
    debugLink: facts.debuglink ?? undefined,
    debugDirectories: IMAGE_DEBUG_DIRECTORIES,
  });
  return found ? { kind: found.via, path: found.file.path } : { kind: 'missing', reason: 'not-in-image' };
}
