import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ByteSource } from '@elfkit/binary';
import { crc32 } from '@elfkit/dwarf';
import type { DebuginfodClient } from '../debuginfod/client.js';
import type { FetchedFile, IndexCacheStore, SymbolizeHost } from '../host.js';
import { FileSource } from './file-source.js';
import { nodeDecompressors } from './open-elf.js';
import { nodeZlib, zlibCrc32 } from './zlib.js';

/**
 * The {@link SymbolizeHost} over the local file system: files are read with
 * `pread` as ranges are needed, sections inflated by node:zlib, CRC-32 by
 * zlib, the demangler's WebAssembly read from node_modules. With a
 * debuginfod client, debug files not found locally are fetched by build id
 * into its cache (`nodeDebuginfod()`); with an index cache
 * (`nodeIndexCache()`), modules' DWARF indexes are kept between runs.
 */
export function nodeHost(options: { debuginfod?: DebuginfodClient; indexCache?: IndexCacheStore } = {}): SymbolizeHost {
  const client = options.debuginfod;
  return {
    indexCache: options.indexCache,
    fetchByBuildId: client?.enabled
      ? async (buildId: string, kind: 'debuginfo' | 'executable'): Promise<FetchedFile | undefined> => {
          try {
            const f = await client.find(buildId.toLowerCase(), { kind });
            return { path: f.path, source: new FileSource(f.path) };
          } catch {
            return undefined;
          }
        }
      : undefined,
    open(path: string): ByteSource | undefined {
      try {
        if (!existsSync(path) || !statSync(path).isFile()) return undefined;
        return new FileSource(path);
      } catch {
        return undefined;
      }
    },
    decompressors: nodeDecompressors,
    decompressAsync(data, size, format) {
      if (format !== 'zlib') return Promise.resolve(undefined);
      // The output buffer sized as nodeDecompressors' (one chunk of the declared size).
      const chunkSize = Math.max(64, Math.min(size + 1, data.length * 1032 + 64));
      return new Promise((resolve) =>
        nodeZlib().inflate(data, { maxOutputLength: Math.max(size, 1), chunkSize }, (e, out) => resolve(e ? undefined : new Uint8Array(out.buffer, out.byteOffset, out.byteLength))),
      );
    },
    crc32: (b) => zlibCrc32(b, crc32),
    async demanglerWasm() {
      return new Uint8Array(readFileSync(demanglerWasmPath()));
    },
    close(source) {
      if (source instanceof FileSource) source.close();
    },
  };
}

/**
 * The demangler's WebAssembly file: beside this module's package, or —
 * when this module is bundled into another program (the elfkit CLI) —
 * beside `@elfkit/symbolize` as that program resolves it.
 */
function demanglerWasmPath(): string {
  const wasm = 'gecko-profiler-demangle/index_bg.wasm';
  // node:module on first use: loading it loads the ES module loader and source maps into every command's start-up.
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module');
  const here = createRequire(import.meta.url);
  try {
    return here.resolve(wasm);
  } catch {
    return createRequire(here.resolve('@elfkit/symbolize')).resolve(wasm);
  }
}
