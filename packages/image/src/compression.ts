import { Gunzip, Gzip } from 'fflate';
import { Decompress as ZstdDecompress } from 'fzstd';

/** How a blob is compressed, judged by its first bytes (never its name or media type). */
export type Compression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

/** The compression whose magic number `head` starts with; `none` otherwise. */
export function sniffCompression(head: Uint8Array): Compression {
  const b = (i: number) => head[i];
  if (b(0) === 0x1f && b(1) === 0x8b) return 'gzip';
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) return 'zstd';
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68) return 'bzip2';
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0x00) return 'xz';
  return 'none';
}

/** A streaming decoder: compressed chunks in, decompressed chunks out. */
export type StreamDecoder = (input: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

/**
 * The decoders the readers use. Both defaults are pure JavaScript and
 * stream: fflate's `Gunzip` (every member of a multi-member gzip, as pigz
 * and eStargz write) and fzstd's `Decompress` (every frame). The Node host
 * passes node:zlib's gunzip, which runs beside the JavaScript thread.
 */
export interface Decompressors {
  readonly gzip: StreamDecoder;
  readonly zstd: StreamDecoder;
}

type PushDecoder = { push(chunk: Uint8Array, final?: boolean): void };

async function* pushDecode(input: AsyncIterable<Uint8Array>, make: (emit: (c: Uint8Array) => void) => PushDecoder): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const d = make((c) => {
    if (c.length) out.push(c);
  });
  for await (const chunk of input) {
    d.push(chunk);
    if (out.length) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  d.push(new Uint8Array(0), true);
  yield* out;
}

/** fflate and fzstd: pure JavaScript, for browsers and workers. */
export const jsDecompressors: Decompressors = {
  gzip: (input) => pushDecode(input, (emit) => new Gunzip((c) => emit(c))),
  zstd: (input) => pushDecode(input, (emit) => new ZstdDecompress((c) => emit(c))),
};

/** gzip-compresses a stream (fflate, level 6, no time stamp: equal input, equal blob): for layers written into a layout. */
export function gzipStream(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return pushDecode(input, (emit) => new Gzip({ level: 6, mtime: 0 }, (c) => emit(c)));
}
