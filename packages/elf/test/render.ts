/**
 * readelf's wording of decoded values that the oracle compares as text:
 * note content and dynamic entry values. Kept beside the test (the CLI has
 * its own renderers) so a divergence shows up as a failing comparison.
 */
import { dynamicFlagNames, dynamicFlags1Names, dynamicTagName, constants as C, type DynamicEntry, type NoteContent } from '@elfkit/elf';

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

const BYTES = new Set([2, 8, 9, 10, 11, 18, 19, 27, 28, 33, 35, 37]);
const COUNTS = new Set([0x6ffffffd, 0x6ffffff9, 0x6ffffffa, 0x6fffffff]);

export function dynamicText(e: DynamicEntry, machine: number): string {
  const t = Number(e.tag);
  if (e.string !== undefined) {
    const label = ({ 1: 'Shared library', 14: 'Library soname', 15: 'Library rpath', 29: 'Library runpath' } as Record<number, string>)[t];
    if (label) return `${label}: [${e.string}]`;
  }
  if (t === C.DT_FLAGS) return dynamicFlagNames(e.value).join(' ');
  if (t === C.DT_FLAGS_1) return ['Flags:', ...dynamicFlags1Names(e.value)].join(' ');
  if (t === C.DT_PLTREL) return dynamicTagName(e.value, machine);
  if (BYTES.has(t)) return `${e.value} (bytes)`;
  if (COUNTS.has(t)) return `${e.value}`;
  return '0x' + e.value.toString(16);
}
