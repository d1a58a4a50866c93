/**
 * Shared memory between a fuzz worker and the main thread: the input being
 * run and when it started. When an input hangs, the worker cannot say so;
 * the main thread reads the input from here and stops the worker.
 *
 * Layout: f64 start time (ms since the epoch, 0 when idle), i32 length,
 * i32 seed name length, then the seed name (UTF-8, 256 bytes), then the input.
 */
export class Watch {
  static readonly HEAD = 16 + 256;
  private readonly time: Float64Array;
  private readonly ints: Int32Array;
  private readonly bytes: Uint8Array;
  private lastSeed = '';

  constructor(readonly buffer: SharedArrayBuffer) {
    this.time = new Float64Array(buffer, 0, 1);
    this.ints = new Int32Array(buffer, 8, 2);
    this.bytes = new Uint8Array(buffer);
  }

  /** A buffer for inputs up to `maxInput` bytes. */
  static create(maxInput: number): Watch {
    return new Watch(new SharedArrayBuffer(Watch.HEAD + maxInput));
  }

  /** Records `input` (derived from seed `seed`) as running from now; inputs too long for the buffer keep their first bytes. */
  start(input: Uint8Array, seed: string): void {
    if (seed !== this.lastSeed) {
      this.lastSeed = seed;
      const b = new TextEncoder().encode(seed).subarray(0, 256);
      this.bytes.set(b, 16);
      this.ints[1] = b.length;
    }
    const n = Math.min(input.length, this.bytes.length - Watch.HEAD);
    this.bytes.set(input.subarray(0, n), Watch.HEAD);
    this.ints[0] = n;
    this.time[0] = Date.now();
  }

  stop(): void {
    this.time[0] = 0;
  }


  /** Milliseconds the current input has run, 0 when idle. */
  running(): number {
    const t = this.time[0]!;
    return t === 0 ? 0 : Date.now() - t;
  }

  /** The current input (a copy). */
  input(): Uint8Array {
    return this.bytes.slice(Watch.HEAD, Watch.HEAD + this.ints[0]!);
  }

  /** The seed of the current input. */
  seed(): string {
    return new TextDecoder().decode(this.bytes.subarray(16, 16 + this.ints[1]!));
  }
}
