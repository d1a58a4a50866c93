import { encodeUtf8 } from './utf8.js';
import type { ByteOrder } from '@elfkit/binary';



/**
 * Encodes one ELF note (Elf_Nhdr, name, descriptor), each part padded to
 * `align` (4, as Linux uses for every note but `.note.gnu.property`). The
 * owner name gets its NUL terminator, counted in namesz.
 */
export function encodeNote(owner: string, type: number, desc: Uint8Array, order: ByteOrder, align: 4 | 8 = 4): Uint8Array {
  const name = encodeUtf8(owner);
  const namesz = name.length + 1;
  const up = (n: number) => Math.ceil(n / align) * align;
  const descAt = up(12 + namesz);
  const out = new Uint8Array(descAt + up(desc.length));
  const dv = new DataView(out.buffer);
  const le = order === 'little';
  dv.setUint32(0, namesz, le);
  dv.setUint32(4, desc.length, le);
  dv.setUint32(8, type >>> 0, le);
  out.set(name, 12);
  out.set(desc, descAt);
  return out;
}
