/** `0x` and lowercase hex. */
export const hex = (v: number | bigint): string => '0x' + v.toString(16);

/** `0x` and hex padded to `w` digits. */
export const hexw = (v: number | bigint, w: number): string => '0x' + v.toString(16).padStart(w, '0');

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A byte count for people: `812 B`, `4.0 KiB`, `9.13 MiB`. */
export function bytes(n: number | bigint): string {
  let v = Number(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

/** An error's message (ParseErrors already say where). */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** `f()`, or `fallback` when it throws: for the parts of a view that a damaged table should not take down. */
export function orElse<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}
