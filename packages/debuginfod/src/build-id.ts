/** Longest build id accepted, in hex digits (a 128-byte note is already far past any producer's). */
export const MAX_BUILD_ID_DIGITS = 256;

/**
 * Whether `s` is a build id as the debuginfod protocol spells it: lowercase
 * hex, an even number of digits. Uppercase is refused as elfutils refuses
 * it, so one file never has two URLs (and two cache entries).
 */
export function isBuildId(s: string): boolean {
  return s.length >= 2 && s.length <= MAX_BUILD_ID_DIGITS && s.length % 2 === 0 && /^[0-9a-f]+$/.test(s);
}
