/**
 * JSON for CLI output: bigints (addresses, 64-bit values) become `"0x…"`
 * strings so consumers never lose precision; byte arrays become hex strings.
 */
export function toJson(value: unknown, pretty = true): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
      return v;
    },
    pretty ? 2 : undefined,
  );
}

/** `0x`-prefixed lowercase hex. */
export function hx(v: bigint | number, width = 0): string {
  return '0x' + v.toString(16).padStart(width, '0');
}
