/**
 * `new Date(ms).toISOString()` with `.000` dropped (`2026-12-06T18:00:00Z`),
 * built from the UTC fields: V8's first `toISOString` call costs ~0.2-1 ms
 * here (measured in a fresh `node -e` and in `elfkit image attach-debug`,
 * the fields ~0.03 ms), out of the few tens a small stamp or artifact takes
 * beyond Node's start. Times that are not whole
 * milliseconds in years 0000–9999 go through `toISOString` itself (its
 * ±YYYYYY years, its RangeError past the Date range).
 */
export function isoTime(ms: number): string {
  if (!(Number.isInteger(ms) && ms >= 0 && ms < 253402300800000)) return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  const d = new Date(ms);
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  const milli = ms % 1000;
  const year = d.getUTCFullYear();
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${milli ? `.${String(milli).padStart(3, '0')}` : ''}Z`;
}
