/**
 * readelf's wording of decoded note contents, which the oracle compares as
 * text (elfkit's own note text says more, e.g. the Go build id as a string).
 */
import type { NoteContent } from '@elfkit/elf';

export function noteText(c: NoteContent, desc: Uint8Array): string {
  switch (c.kind) {
    case 'gnu-build-id':
      return `Build ID: ${c.buildId}`;
    case 'gnu-abi-tag':
      return `OS: ${c.os}, ABI: ${c.abi}`;
    case 'gnu-properties':
      return c.properties.length ? `Properties: ${c.properties.map((p) => p.text).join('\n')}` : '';
    case 'package':
      return `Packaging Metadata: ${c.text}`;
    default:
      return desc.length ? `description data: ${[...desc].map((b) => b.toString(16).padStart(2, '0')).join(' ')}` : '';
  }
}
