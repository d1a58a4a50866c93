import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';
import type { ByteSource } from '@elfkit/binary';
import type { SymbolizeHost } from '../host.js';
import { FileSource } from './file-source.js';
import { nodeDecompressors } from './open-elf.js';

/**
 * The {@link SymbolizeHost} over the local file system: files are read with
 * `pread` as ranges are needed, sections inflated by node:zlib, CRC-32 by
 * zlib, the demangler's WebAssembly read from node_modules.
 */
export function nodeHost(): SymbolizeHost {
  return {
    open(path: string): ByteSource | undefined {
      try {
        if (!existsSync(path) || !statSync(path).isFile()) return undefined;
        return new FileSource(path);
      } catch {
        return undefined;
      }
    },
    decompressors: nodeDecompressors,
    crc32: typeof zlibCrc32 === 'function' ? (b) => zlibCrc32(b) >>> 0 : undefined,
    async demanglerWasm() {
      const require = createRequire(import.meta.url);
      return new Uint8Array(readFileSync(require.resolve('gecko-profiler-demangle/index_bg.wasm')));
    },
    close(source) {
      if (source instanceof FileSource) source.close();
    },
  };
}
