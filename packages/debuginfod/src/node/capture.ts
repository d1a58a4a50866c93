import { hasElfMagic } from '../elf-record.js';

/** Largest archive member read into memory to be indexed (its bytes are streamed when served). */
export const DEFAULT_MEMBER_LIMIT = 512 << 20;

/**
 * The bytes of an archive member when it is an ELF file no larger than
 * `limit`; otherwise undefined, after draining the member (its data must be
 * read through for the archive's stream to move on).
 */
export async function captureElf(size: number, chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array | 'too-large' | undefined> {
  if (size < 52) return undefined;
  const it = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let have = 0;
  while (have < 4) {
    const r = await it.next();
    if (r.done) return undefined;
    head.push(r.value.slice());
    have += r.value.length;
  }
  const first = head.length === 1 ? head[0]! : Uint8Array.from(head.flatMap((h) => [...h.subarray(0, 4)]));
  const drain = async () => {
    for (let r = await it.next(); !r.done; r = await it.next());
  };
  if (!hasElfMagic(first)) {
    await drain();
    return undefined;
  }
  if (size > limit) {
    await drain();
    return 'too-large';
  }
  const buf = new Uint8Array(size);
  let at = 0;
  for (const h of head) {
    buf.set(h.subarray(0, size - at), at);
    at += h.length;
  }
  for (let r = await it.next(); !r.done; r = await it.next()) {
    if (at + r.value.length > size) throw new Error('archive member longer than its header says');
    buf.set(r.value, at);
    at += r.value.length;
  }
  return at === size ? buf : undefined;
}
