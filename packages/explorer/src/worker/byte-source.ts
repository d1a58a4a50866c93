import type { ByteSource } from '@elfkit/binary';

/** Reads `[offset, offset + length)` of the underlying file, synchronously. */
export type RangeReader = (offset: number, length: number) => Uint8Array;

const BLOCK = 64 * 1024;
const MAX_BLOCKS = 256;
/**
 * The most one read may ask for. A view that needs more (a section of
 * gigabytes) says so instead of taking the worker's memory with it.
 */
export const MAX_READ = 256 * 1024 * 1024;

/**
 * A {@link ByteSource} over a file the worker cannot hold whole: small
 * reads (headers, string tables, notes) go through a cache of 64 KiB
 * blocks, at most 16 MiB of them; large reads (a section's data) go straight
 * to the file, and the ELF reader keeps what it decoded. So a file of
 * several hundred megabytes costs the worker only what a view needs.
 */
export class BlockSource implements ByteSource {
  private readonly blocks = new Map<number, Uint8Array>();
  /** Bytes fetched from the file so far. */
  bytesRead = 0;

  constructor(
    readonly size: number,
    private readonly reader: RangeReader,
  ) {}

  read(offset: number, length: number): Uint8Array {
    if (length === 0) return new Uint8Array(0);
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((offset + length - 1) / BLOCK);
    if (last - first > 1) return this.fetch(offset, length);
    if (first === last) {
      const b = this.block(first);
      const rel = offset - first * BLOCK;
      return b.subarray(rel, rel + length);
    }
    const out = new Uint8Array(length);
    const a = this.block(first).subarray(offset - first * BLOCK);
    out.set(a, 0);
    out.set(this.block(last).subarray(0, length - a.length), a.length);
    return out;
  }

  private block(n: number): Uint8Array {
    let b = this.blocks.get(n);
    if (b) {
      // Map order is insertion order: re-inserting keeps the most recent last.
      this.blocks.delete(n);
      this.blocks.set(n, b);
      return b;
    }
    const start = n * BLOCK;
    b = this.fetch(start, Math.min(BLOCK, this.size - start));
    this.blocks.set(n, b);
    if (this.blocks.size > MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    return b;
  }

  private fetch(offset: number, length: number): Uint8Array {
    if (length > MAX_READ) {
      throw new Error(
        `this needs ${Math.round(length / 1048576)} MiB of the file at once (at offset 0x${offset.toString(16)}); the explorer reads at most ${MAX_READ / 1048576} MiB in one piece to keep the page's memory bounded — the elfkit CLI reads it`,
      );
    }
    const b = this.reader(offset, length);
    if (b.length !== length) throw new Error(`read ${b.length} bytes at 0x${offset.toString(16)} where ${length} were asked for: the file changed or the server does not serve ranges`);
    this.bytesRead += length;
    return b;
  }
}

/** FileReaderSync exists in workers only; the DOM library does not declare it. */
declare const FileReaderSync: { new (): { readAsArrayBuffer(b: Blob): ArrayBuffer } };

/** Reads a dropped or picked file (a Blob) a slice at a time, without loading it. */
export function blobReader(blob: Blob): RangeReader {
  const r = new FileReaderSync();
  return (offset, length) => new Uint8Array(r.readAsArrayBuffer(blob.slice(offset, offset + length)));
}

/**
 * Reads a file served over HTTP with Range requests (synchronous requests
 * are allowed in workers). A server that ignores Range sends the whole file
 * once, which is then kept.
 */
export function urlReader(url: string): { size: number; read: RangeReader } {
  const head = new XMLHttpRequest();
  head.open('HEAD', url, false);
  head.send();
  if (head.status !== 200) throw new Error(`${url}: HTTP ${head.status} ${head.statusText}`);
  const size = Number(head.getResponseHeader('Content-Length'));
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`${url}: the server did not say how large the file is`);
  let whole: Uint8Array | undefined;
  const read: RangeReader = (offset, length) => {
    if (whole) return whole.subarray(offset, offset + length);
    const x = new XMLHttpRequest();
    x.open('GET', url, false);
    x.responseType = 'arraybuffer';
    x.setRequestHeader('Range', `bytes=${offset}-${offset + length - 1}`);
    x.send();
    if (x.status === 200) {
      whole = new Uint8Array(x.response as ArrayBuffer);
      return whole.subarray(offset, offset + length);
    }
    if (x.status !== 206) throw new Error(`${url}: HTTP ${x.status} ${x.statusText} for bytes ${offset}-${offset + length - 1}`);
    return new Uint8Array(x.response as ArrayBuffer);
  };
  return { size, read };
}
