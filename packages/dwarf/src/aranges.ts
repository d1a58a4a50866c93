import { Reader, type ByteOrder } from '@elfkit/binary';
import { readInitialLength, readOffset, validAddressSize } from './encoding.js';

/** One address range of a `.debug_aranges` set. */
export interface ArangeEntry {
  readonly offset: number;
  readonly address: bigint;
  readonly length: bigint;
  /** Segment selector, when the set has one. */
  readonly segment?: bigint;
}

/** One set of `.debug_aranges`: the ranges covered by one compilation unit. */
export interface ArangeSet {
  readonly offset: number;
  readonly length: number;
  readonly offsetSize: 4 | 8;
  readonly version: number;
  /** Offset of the unit in `.debug_info`. */
  readonly debugInfoOffset: number;
  readonly addressSize: number;
  readonly segmentSelectorSize: number;
  /** The ranges, without the terminating (0, 0) entry. */
  readonly entries: readonly ArangeEntry[];
}

/**
 * The sets of `.debug_aranges`, one at a time. A set whose header is bad
 * but whose length is readable is reported through `onError` and skipped;
 * a bad length ends the walk (there is no way to find the next set).
 */
export function* arangeSets(bytes: Uint8Array, order: ByteOrder, sectionName = '.debug_aranges', onError?: (e: Error) => void): Generator<ArangeSet> {
  const r = new Reader(bytes, { order, section: sectionName });
  while (r.pos < bytes.length) {
    const offset = r.pos;
    const il = readInitialLength(r, 'address range set');
    const end = r.pos + il.length;
    if (end > bytes.length) throw r.error('truncated', `address range set length 0x${il.length.toString(16)} runs past the end of ${sectionName}`, offset);
    try {
      const version = r.u16();
      if (version !== 2 && version !== 3) throw r.error('unsupported', `address range set version ${version}`, r.pos - 2);
      const debugInfoOffset = readOffset(r, il.offsetSize);
      const addressSize = r.u8();
      const segmentSelectorSize = r.u8();
      if (!validAddressSize(addressSize)) throw r.error('unsupported', `address size ${addressSize}`, r.pos - 2);
      if (segmentSelectorSize !== 0 && !validAddressSize(segmentSelectorSize)) throw r.error('unsupported', `segment selector size ${segmentSelectorSize}`, r.pos - 1);
      // Tuples start at a multiple of their size from the start of the set.
      const tuple = addressSize * 2 + segmentSelectorSize;
      const pad = (tuple - ((r.pos - offset) % tuple)) % tuple;
      const body = new Reader(bytes.subarray(0, end), { order, section: sectionName, addressSize });
      body.pos = r.pos + pad;
      const entries: ArangeEntry[] = [];
      while (body.pos + tuple <= end) {
        const at = body.pos;
        const segment = segmentSelectorSize ? body.uintBig(segmentSelectorSize) : undefined;
        const address = body.address();
        const length = body.uintBig(addressSize);
        if (address === 0n && length === 0n && !segment) break;
        entries.push(segment !== undefined ? { offset: at, address, length, segment } : { offset: at, address, length });
      }
      yield { offset, length: il.length, offsetSize: il.offsetSize, version, debugInfoOffset, addressSize, segmentSelectorSize, entries };
    } catch (e) {
      if (!onError) throw e;
      onError(e as Error);
    }
    r.pos = end;
  }
}
