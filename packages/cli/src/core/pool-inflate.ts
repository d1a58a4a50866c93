import type { SymbolizeHost } from '@elfkit/symbolize';
import { nodeBinding } from '../node-binding.js';

/** Node's zlib handle (what `zlib.inflate` drives), as far as it is used here. */
interface ZlibHandle {
  init(windowBits: number, level: number, memLevel: number, strategy: number, writeState: Uint32Array, done: () => void, dictionary: undefined): void;
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  write(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  close(): void;
  onerror?: (message: string, errno: number) => void;
}

// zlib.h's values, which node:zlib passes to the handle for an Inflate with its defaults.
const INFLATE = 2;
const Z_FINISH = 4;
const WINDOW_BITS = 15;
const LEVEL = -1;
const MEM_LEVEL = 8;
const STRATEGY = 0;

let handleClass: (new (mode: number) => ZlibHandle) | null | undefined;

/** The handles at work: held here so that nothing of theirs is collected while the thread pool writes into them. */
const working = new Set<ZlibHandle>();

/**
 * Node's zlib handle class, through its internal binding — the class
 * `node:zlib` itself uses. Loading `node:zlib` loads the stream modules
 * with it (5–7 ms of `elfkit core` on the 64-thread bench core, on the
 * main thread and before libc's `.debug_info` could start inflating); its
 * `inflate` then runs the result through a stream as well. Null where the
 * binding or the class is gone.
 */
function zlibHandleClass(): (new (mode: number) => ZlibHandle) | null {
  if (handleClass === undefined) {
    // Only on the Node whose handle calls are known (20): a call the binding does not expect fails a native
    // check, which ends the process where no catch can fall back.
    const Z = process.versions.node.startsWith('20.') ? nodeBinding<{ Zlib: unknown }>('zlib')?.Zlib : undefined;
    handleClass = typeof Z === 'function' ? (Z as new (mode: number) => ZlibHandle) : null;
  }
  return handleClass;
}

/**
 * Inflates a zlib stream of `size` declared bytes on Node's thread pool
 * in one call of the handle, into one buffer a byte larger (as
 * `nodeDecompressors` do: a stream that ends early then fails as zlib's
 * "unexpected end of file", one that holds more fills the buffer):
 * resolves to the bytes, or to undefined when the stream is bad, ends
 * early, holds more or less than `size`, or the handle is not there (then
 * the section is inflated where it is read, which reports what is wrong).
 */
export function poolInflate(data: Uint8Array, size: number): Promise<Uint8Array | undefined> {
  const Z = zlibHandleClass();
  if (!Z || size <= 0) return Promise.resolve(undefined);
  return inflateWith(Z, data, size);
}

/**
 * `host` with its zlib inflation done by Node's zlib handle
 * ({@link poolInflate}, {@link inflateHere}): `elfkit core` inflates libc's
 * debug file without loading `node:zlib`. Where the handle is not there,
 * or a stream is bad, the host's own decoders do it (and report what is wrong).
 */
export function withZlibHandle(host: SymbolizeHost): SymbolizeHost {
  const own = host.decompressors?.zlib;
  const ownAsync = host.decompressAsync?.bind(host);
  if (!zlibHandleClass() || !own || !ownAsync) return host;
  return {
    ...host,
    decompressors: { ...host.decompressors, zlib: (data, size) => inflateHere(data, size) ?? own(data, size) },
    decompressAsync: (data, size, format) => (format === 'zlib' ? poolInflate(data, size) : ownAsync(data, size, format)),
  };
}

function inflateWith(Z: new (mode: number) => ZlibHandle, data: Uint8Array, size: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    let handle: ZlibHandle | undefined;
    const out = new Uint8Array(size + 1);
    const state = new Uint32Array(2);
    const finish = (bytes: Uint8Array | undefined) => {
      if (handle) working.delete(handle);
      try {
        handle?.close();
      } catch {
        // closed already
      }
      resolve(bytes);
    };
    try {
      handle = new Z(INFLATE);
      handle.onerror = () => finish(undefined);
      handle.init(WINDOW_BITS, LEVEL, MEM_LEVEL, STRATEGY, state, () => {
        // state: [avail_out, avail_in] after the call: all of the input taken and exactly `size` bytes out.
        finish(state[0] === 1 && state[1] === 0 ? out.subarray(0, size) : undefined);
      }, undefined);
      working.add(handle);
      handle.write(Z_FINISH, data, 0, data.length, out, 0, size + 1);
    } catch {
      finish(undefined);
    }
  });
}

/**
 * {@link poolInflate} on the calling thread: the bytes, or undefined when
 * the stream is bad, ends early, holds more or less than `size`, or the
 * handle is not there (the caller then inflates with `node:zlib`, which
 * says what is wrong).
 */
export function inflateHere(data: Uint8Array, size: number): Uint8Array | undefined {
  const Z = zlibHandleClass();
  if (!Z || size <= 0) return undefined;
  let handle: ZlibHandle | undefined;
  let failed = false;
  try {
    const out = new Uint8Array(size + 1);
    const state = new Uint32Array(2);
    handle = new Z(INFLATE);
    handle.onerror = () => void (failed = true);
    handle.init(WINDOW_BITS, LEVEL, MEM_LEVEL, STRATEGY, state, () => {}, undefined);
    handle.writeSync(Z_FINISH, data, 0, data.length, out, 0, size + 1);
    return !failed && state[0] === 1 && state[1] === 0 ? out.subarray(0, size) : undefined;
  } catch {
    return undefined;
  } finally {
    try {
      handle?.close();
    } catch {
      // closed already
    }
  }
}
