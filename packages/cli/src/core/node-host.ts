import { existsSync, statSync } from 'node:fs';
import type { ByteSource } from '@elfkit/binary';
import type { CoreHost } from '@elfkit/core';
import { FileSource } from '@elfkit/symbolize/node';

/**
 * The files a core names, opened from the file system each once, closed
 * together at the end; files fetched by build id (debuginfod) stand in for
 * missing ones.
 */
export class NodeCoreHost implements CoreHost {
  private readonly files = new Map<string, FileSource | null>();
  /** Cached paths of executables and libraries fetched by build id. */
  readonly fetched = new Map<string, string>();
  findByBuildId(buildId: string): { path: string; source: ByteSource } | undefined {
    const path = this.fetched.get(buildId.toLowerCase());
    const source = path ? this.open(path) : undefined;
    return path && source ? { path, source } : undefined;
  }
  open(path: string): ByteSource | undefined {
    let f = this.files.get(path);
    if (f === undefined) {
      try {
        f = existsSync(path) && statSync(path).isFile() ? new FileSource(path) : null;
      } catch {
        f = null;
      }
      this.files.set(path, f);
    }
    return f ?? undefined;
  }
  close(): void {
    for (const f of this.files.values()) f?.close();
  }
}
