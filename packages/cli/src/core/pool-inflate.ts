import type { SectionInflater } from '@elfkit/elf';
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
/** The handle's mode for a gzip stream (node:zlib's Gunzip; the handle adds 16 to the window bits). */
export const GUNZIP = 4;
const Z_SYNC_FLUSH = 2;
const Z_FINISH = 4;
const WINDOW_BITS = 15;
const LEVEL = -1;
const MEM_LEVEL = 8;
const STRATEGY = 0;

/** Ends asked for within this many bytes of the nearest are inflated in one step with it. */
const MERGED_STEP = 1 << 19;

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
    inflateInSteps: (data, size, format) => (format === 'zlib' ? steppedInflate(data, size) : undefined),
  };
}

/**
 * A zlib stream of `size` declared bytes inflated in steps on Node's
 * thread pool (see SectionInflater): one handle, each step a call of it
 * that goes on where the last stopped, up to the end asked for; the last
 * step checks, as {@link poolInflate} does, that the stream ends at
 * exactly `size`. Undefined where the handle is not there.
 */
export function steppedInflate(data: Uint8Array, size: number): SectionInflater | undefined {
  const Z = zlibHandleClass();
  if (!Z || size <= 0) return undefined;
  return new SteppedInflate(Z, data, size);
}

class SteppedInflate implements SectionInflater {
  readonly bytes: Uint8Array;
  available = 0;
  /** One byte more than the section: a stream holding more fills it (and fails). */
  private readonly out: Uint8Array;
  private readonly state = new Uint32Array(2);
  private handle?: ZlibHandle;
  /** Compressed bytes taken so far. */
  private taken = 0;
  /** Where the step under way stops (0: none under way). */
  private stepEnd = 0;
  /** The ends asked for beyond {@link available}, each a step of its own (so the nearest is in soonest). */
  private readonly wanted: number[] = [];
  private readonly waiting: { end: number; resolve: (ok: boolean) => void }[] = [];
  private failed = false;
  /** Finished on the calling thread while a step was under way: the step's result is dropped. */
  private abandoned = false;

  constructor(
    Z: new (mode: number) => ZlibHandle,
    private readonly data: Uint8Array,
    private readonly size: number,
  ) {
    this.out = new Uint8Array(size + 1);
    this.bytes = this.out.subarray(0, size);
    try {
      const h = new Z(INFLATE);
      h.onerror = () => this.stepDone(false);
      h.init(WINDOW_BITS, LEVEL, MEM_LEVEL, STRATEGY, this.state, () => this.stepDone(true), undefined);
      this.handle = h;
    } catch {
      this.fail();
    }
  }

  to(end: number): Promise<boolean> {
    end = Math.min(end, this.size);
    if (end <= this.available) return Promise.resolve(true);
    if (this.failed || this.abandoned) return Promise.resolve(false);
    if (!this.wanted.includes(end)) {
      this.wanted.push(end);
      this.wanted.sort((a, b) => a - b);
    }
    const p = new Promise<boolean>((resolve) => this.waiting.push({ end, resolve }));
    this.next();
    return p;
  }

  here(end: number): boolean {
    end = Math.min(end, this.size);
    if (end <= this.available) return true;
    if (this.failed || this.abandoned || this.stepEnd !== 0) return false;
    if (end === this.size) return this.finish() !== undefined;
    const h = this.handle!;
    let bad = false;
    h.onerror = () => void (bad = true);
    try {
      h.writeSync(Z_SYNC_FLUSH, this.data, this.taken, this.data.length - this.taken, this.out, this.available, end - this.available);
    } catch {
      bad = true;
    }
    h.onerror = () => this.stepDone(false);
    // Short of `end` with room left: the stream ended early.
    if (bad || this.state[0] !== 0) {
      this.fail();
      return false;
    }
    this.taken = this.data.length - this.state[1]!;
    this.available = end;
    this.resolveWaiting();
    return true;
  }

  finish(): Uint8Array | undefined {
    if (this.failed) return undefined;
    if (this.available === this.size) return this.bytes;
    if (this.stepEnd !== 0) {
      // The handle is the thread pool's until the step returns: inflate the whole stream anew here.
      this.abandoned = true;
      const whole = inflateHere(this.data, this.size);
      this.settle();
      return whole;
    }
    const h = this.handle!;
    let bad = false;
    h.onerror = () => void (bad = true);
    try {
      h.writeSync(Z_FINISH, this.data, this.taken, this.data.length - this.taken, this.out, this.available, this.size + 1 - this.available);
    } catch {
      bad = true;
    }
    if (bad || this.state[0] !== 1 || this.state[1] !== 0) {
      this.fail();
      return undefined;
    }
    this.available = this.size;
    this.close();
    this.settle();
    return this.bytes;
  }

  /** Starts the step to the nearest end asked for, unless one is under way. */
  private next(): void {
    if (this.stepEnd !== 0 || this.failed || this.abandoned) return;
    while (this.wanted.length && this.wanted[0]! <= this.available) this.wanted.shift();
    let end = this.wanted[0];
    if (end === undefined) return;
    // Ends close together are one step: a step's result waits for the main thread to take it.
    for (const w of this.wanted) if (w - end <= MERGED_STEP) end = w;
    const last = end === this.size;
    // The last step takes the byte past the end too: all of the stream in, and nothing more out, is a whole stream.
    this.stepEnd = last ? this.size + 1 : end;
    working.add(this.handle!);
    try {
      this.handle!.write(last ? Z_FINISH : Z_SYNC_FLUSH, this.data, this.taken, this.data.length - this.taken, this.out, this.available, this.stepEnd - this.available);
    } catch {
      this.stepDone(false);
    }
  }

  private stepDone(ok: boolean): void {
    const asked = this.stepEnd - this.available;
    const [outLeft, inLeft] = this.state;
    this.stepEnd = 0;
    if (this.abandoned) {
      this.close();
      return;
    }
    const last = this.available + asked === this.size + 1;
    if (!ok || (last ? outLeft !== 1 || inLeft !== 0 : outLeft !== 0)) {
      // A step ends with all it asked for, or the stream is bad (ends early, holds more, does not decode).
      this.fail();
      return;
    }
    this.taken = this.data.length - inLeft!;
    this.available = last ? this.size : this.available + asked;
    if (last) this.close();
    this.resolveWaiting();
    this.next();
  }

  private resolveWaiting(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i]!;
      if (w.end <= this.available) {
        this.waiting.splice(i, 1);
        w.resolve(true);
      } else i++;
    }
  }

  private fail(): void {
    this.failed = true;
    this.close();
    this.settle();
  }

  /** Answers every waiting step: true for what is in, false for the rest (a stream finished elsewhere or bad). */
  private settle(): void {
    this.resolveWaiting();
    for (const w of this.waiting.splice(0)) w.resolve(false);
    this.wanted.length = 0;
  }

  private close(): void {
    const h = this.handle;
    if (!h || this.stepEnd !== 0) return;
    this.handle = undefined;
    working.delete(h);
    try {
      h.close();
    } catch {
      // closed already
    }
  }
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
  return size > 0 ? decodeHere(INFLATE, data, size) : undefined;
}

/**
 * A whole zlib (`INFLATE`) or gzip (`GUNZIP`) stream decoded on the calling
 * thread in one call of the handle, as `inflateSync`/`gunzipSync` decode
 * it: the bytes when it yields exactly `size` bytes, uses all of `data` and
 * reports no error; otherwise (or without the handle) undefined.
 */
export function decodeHere(mode: typeof INFLATE | typeof GUNZIP, data: Uint8Array, size: number): Uint8Array | undefined {
  const Z = zlibHandleClass();
  if (!Z) return undefined;
  let handle: ZlibHandle | undefined;
  let failed = false;
  try {
    const out = new Uint8Array(size + 1);
    const state = new Uint32Array(2);
    handle = new Z(mode);
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
