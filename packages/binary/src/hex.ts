/**
 * `0x`-prefixed lowercase hex of an address or offset, optionally
 * zero-padded to `width` digits. This is the form elfkit uses for every
 * address in JSON, so consumers never lose precision on 64-bit values.
 */
export function hex(value: bigint | number, width = 0): string {
  let s = value.toString(16);
  if (s.startsWith('-')) return '-0x' + s.slice(1).padStart(width, '0');
  if (s.length < width) s = s.padStart(width, '0');
  return '0x' + s;
}

/** Lowercase hex of bytes with no separator (build ids). */
export function hexBytes(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}

/**
 * Converts an unsigned 64-bit value to a number when it is a safe integer,
 * for offsets and sizes; returns `undefined` when it is not, so the caller
 * can report the field as out of range.
 */
export function toSafeNumber(value: bigint): number | undefined {
  return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}
