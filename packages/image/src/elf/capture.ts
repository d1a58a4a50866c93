import { BytesSource, type ByteSource } from '@elfkit/binary';
import type { Hasher } from '../digest.js';
import type { ResolvedHost } from '../host.js';

/** The bytes of one file, held while it is analysed. */
export interface Captured {
  readonly source: ByteSource;
  release(): Promise<void> | void;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/** What happened to a file's data (`sha256` of an ELF file's content, hex). */
export type CaptureResult = { readonly kind: 'not-elf' } | { readonly kind: 'too-large'; readonly sha256: string } | { readonly kind: 'elf'; readonly file: Captured; readonly sha256: string };

/**
 * Reads a regular file's data as it streams past: looks at its first four
 * bytes, and keeps an ELF file — in memory up to the host's limit, above
 * it in the host's temporary storage — so it can be analysed with random
 * access. Other files are not kept (their data is only hashed when asked).
 */
export async function captureIfElf(size: number, chunks: AsyncIterable<Uint8Array>, host: ResolvedHost, hasher?: Hasher): Promise<CaptureResult> {
  const it = chunks[Symbol.asyncIterator]();
  const head = new Uint8Array(4);
  let have = 0;
  const pending: Uint8Array[] = [];
  while (have < 4) {
    const r = await it.next();
    if (r.done) break;
    hasher?.update(r.value);
    pending.push(r.value);
    const take = Math.min(4 - have, r.value.length);
    head.set(r.value.subarray(0, take), have);
    have += take;
  }
  const isElf = size >= 52 && have === 4 && ELF_MAGIC.every((b, i) => head[i] === b);
  if (!isElf) {
    if (hasher) for (let r = await it.next(); !r.done; r = await it.next()) hasher.update(r.value);
    return { kind: 'not-elf' };
  }
  const own = host.hasher('sha256')!;
  for (const p of pending) own.update(p);
  const both = (c: Uint8Array) => {
    hasher?.update(c);
    own.update(c);
  };
  if (size <= host.memoryLimit) {
    const buf = new Uint8Array(size);
    let at = 0;
    for (const p of pending) {
      buf.set(p, at);
      at += p.length;
    }
    for (let r = await it.next(); !r.done; r = await it.next()) {
      both(r.value);
      buf.set(r.value, at);
      at += r.value.length;
    }
    return { kind: 'elf', file: { source: new BytesSource(buf), release: () => {} }, sha256: own.hex() };
  }
  if (!host.spill) {
    for (let r = await it.next(); !r.done; r = await it.next()) both(r.value);
    return { kind: 'too-large', sha256: own.hex() };
  }
  const w = await host.spill();
  try {
    for (const p of pending) await w.write(p);
    for (let r = await it.next(); !r.done; r = await it.next()) {
      both(r.value);
      await w.write(r.value);
    }
  } catch (e) {
    await w.discard();
    throw e;
  }
  const spilled = await w.done();
  return { kind: 'elf', file: { source: spilled.source, release: () => spilled.close() }, sha256: own.hex() };
}
