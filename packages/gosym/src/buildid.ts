import { ParseError, decodeUtf8, isParseError } from '@elfkit/binary';
import type { GoImage } from './image.js';

/** Note type of the Go build ID (`ELF_NOTE_GOBUILDID_TAG`). */
export const NT_GO_BUILD_ID = 4;

/**
 * Walks ELF notes in `data` (namesz, descsz, type, name, desc; name and desc
 * padded to `align`) and returns the descriptor of the first note owned by
 * `Go` with type 4, or undefined.
 */
function findGoNote(data: Uint8Array, little: boolean, align: number, section: string): Uint8Array | undefined {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const pad = (n: number) => (n + align - 1) & ~(align - 1);
  let p = 0;
  while (p + 12 <= data.length) {
    const namesz = v.getUint32(p, little);
    const descsz = v.getUint32(p + 4, little);
    const type = v.getUint32(p + 8, little);
    const name = p + 12;
    // Name and descriptor each start at the note alignment (4, or 8 for
    // notes such as .note.gnu.property in an 8-aligned segment).
    const desc = pad(name + namesz);
    const next = pad(desc + descsz);
    if (namesz > data.length || descsz > data.length || next > data.length) {
      throw new ParseError('truncated', `note at 0x${p.toString(16)} runs past the end of its section`, section, p);
    }
    let nameEnd = name;
    while (nameEnd < name + namesz && data[nameEnd] !== 0) nameEnd++;
    const owner = decodeUtf8(data, name, nameEnd);
    if (owner === 'Go' && type === NT_GO_BUILD_ID) return data.subarray(desc, desc + descsz);
    if (next <= p) break;
    p = next;
  }
  return undefined;
}

/**
 * The Go build ID (`actionID/…/contentID`) from the `.note.go.buildid`
 * note — through the section, or the note segments when the binary has no
 * section headers. Undefined when there is none.
 */
export function readGoBuildId(image: GoImage): string | undefined {
  const little = image.order === 'little';
  const s = image.section('.note.go.buildid');
  const found = s ? findGoNote(s.data(), little, 4, '.note.go.buildid') : undefined;
  let desc = found;
  if (!desc && !s) {
    for (const seg of image.segments) {
      if (seg.kind !== 'note' || seg.fileSize === 0) continue;
      try {
        desc = findGoNote(seg.data(), little, seg.align === 8 ? 8 : 4, 'PT_NOTE');
      } catch (e) {
        if (!isParseError(e)) throw e;
        // A malformed note segment is not Go's to report; look in the others.
        desc = undefined;
      }
      if (desc) break;
    }
  }
  if (!desc) return undefined;
  let end = desc.length;
  while (end > 0 && desc[end - 1] === 0) end--;
  return decodeUtf8(desc, 0, end);
}
