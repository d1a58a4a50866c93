/**
 * A compressed section inflated in steps from its start, by a decoder
 * that can stop and go on (Node's zlib handle on its thread pool): a reader
 * that needs only the front of a large section — a core's backtraces read a
 * few units of libc's 5.8 MB `.debug_info`, the last of them 72% in — reads
 * those bytes once they are in, and the rest is inflated only when asked
 * for (see `ElfFile.inflateInSteps`).
 */
export interface SectionInflater {
  /** The section, its whole size long: the first {@link available} bytes are in, the rest are not yet. */
  readonly bytes: Uint8Array;
  /** How many bytes from the start are in. */
  readonly available: number;
  /**
   * Inflates on to `end` (at most the size) off the calling thread:
   * resolves to true once that many bytes are in, false when the stream is
   * bad (ends early, holds more, fails to decode).
   */
  to(end: number): Promise<boolean>;
  /**
   * Inflates on to `end` (at most the size) on the calling thread, for a
   * reader that needs bytes now: true once they are in; false when a step
   * is under way (the decoder is busy) or the stream is bad — the caller
   * then has the whole section from {@link finish}.
   */
  here(end: number): boolean;
  /**
   * Inflates the rest on the calling thread: the whole section — in a
   * buffer of its own when a step is still under way — or undefined when
   * the stream is bad.
   */
  finish(): Uint8Array | undefined;
}
