import type { ByteSource } from '@elfkit/binary';

/**
 * What reading a core asks of the outside world: the files the process had
 * mapped (for code the core did not keep, and for their CFI and symbols).
 * The Node host opens paths; a browser host serves files a user dropped.
 */
export interface CoreHost {
  /** Random access to the file at `path`, or undefined when there is none. */
  open(path: string): ByteSource | undefined;
  /** Optional: the executable or library with GNU build id `buildId` (hex), from a store other than its path. */
  findByBuildId?(buildId: string): { readonly path: string; readonly source: ByteSource } | undefined;
}

/** Joins a sysroot and an absolute path the way gdb's `set sysroot` does. */
export function underSysroot(sysroot: string | undefined, path: string): string {
  if (!sysroot) return path;
  return sysroot.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}
