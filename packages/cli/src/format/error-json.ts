import type { ParseError } from '@elfkit/binary';

/** A ParseError as the JSON documents list it. */
export function errorJson(e: ParseError) {
  return { code: e.code, section: e.section, offset: e.offset, message: e.reason };
}
