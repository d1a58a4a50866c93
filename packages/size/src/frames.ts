import type { ByteOrder } from '@elfkit/binary';

/**
 * Just enough of `.eh_frame`, `.debug_frame` and `.eh_frame_hdr` to charge
 * each FDE (and each binary-search table entry) to the function it
 * describes: where every entry is and the first address it covers. CIE
 * augmentations are read only for the FDE pointer encoding; anything
 * malformed ends the walk quietly, leaving the rest of the section to its
 * fallback label.
 */

const DW_EH_PE_omit = 0xff;

/** Where a frame section lives, for pc-relative pointers. */
export interface FrameSection {
  readonly data: Uint8Array;
  /** The section's address (0 for `.debug_frame`, which is not loaded). */
  readonly address: number;
  readonly order: ByteOrder;
  /** Pointer size of the target. */
  readonly addressSize: 4 | 8;
  /** `.debug_frame` (CIE id 0xffffffff, absolute addresses) rather than `.eh_frame`. */
  readonly debugFrame: boolean;
}

class Cursor {
  pos: number;
  readonly view: DataView;
  readonly le: boolean;
  constructor(
    readonly data: Uint8Array,
    pos: number,
    order: ByteOrder,
  ) {
    this.pos = pos;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.le = order === 'little';
  }
  need(n: number): void {
    if (this.pos + n > this.data.length) throw new RangeError('frame data truncated');
  }
  u8(): number {
    this.need(1);
    return this.data[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, this.le);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, this.le);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(this.pos + (this.le ? 4 : 0), this.le);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }
  uleb(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return v;
    }
  }
  sleb(): number {
    let v = 0;
    let mul = 1;
    let b: number;
    do {
      b = this.u8();
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return b & 0x40 ? v - mul : v;
  }
  cstr(): string {
    const end = this.data.indexOf(0, this.pos);
    if (end < 0) throw new RangeError('unterminated string');
    let s = '';
    for (let i = this.pos; i < end; i++) s += String.fromCharCode(this.data[i]!);
    this.pos = end + 1;
    return s;
  }
}

/**
 * Reads a pointer in DW_EH_PE encoding `enc` at the cursor: absolute, or
 * relative to the field's own address (`pcrel`) or to `dataBase`
 * (`datarel`, for `.eh_frame_hdr`). Undefined for encodings that need more
 * context (textrel, funcrel, indirect) and for `omit`.
 */
function readEncoded(c: Cursor, enc: number, sectionAddress: number, addressSize: number, dataBase: number): number | undefined {
  if (enc === DW_EH_PE_omit) return undefined;
  const at = sectionAddress + c.pos;
  let v: number;
  switch (enc & 0x0f) {
    case 0x00:
      v = addressSize === 8 ? c.u64() : c.u32();
      break;
    case 0x01:
      v = c.uleb();
      break;
    case 0x02:
      v = c.u16();
      break;
    case 0x03:
      v = c.u32();
      break;
    case 0x04:
      v = c.u64();
      break;
    case 0x09:
      v = c.sleb();
      break;
    case 0x0a:
      v = (c.u16() << 16) >> 16;
      break;
    case 0x0b:
      v = c.u32() | 0;
      break;
    case 0x0c: {
      const u = c.u64();
      v = u >= 2 ** 63 ? u - 2 ** 64 : u;
      break;
    }
    default:
      return undefined;
  }
  switch (enc & 0x70) {
    case 0x00:
      break;
    case 0x10:
      v += at;
      break;
    case 0x30:
      v += dataBase;
      break;
    default:
      return undefined;
  }
  if (enc & 0x80) return undefined;
  // Wrap as the target's address arithmetic does.
  if (addressSize === 4) v = v >>> 0;
  else if (v < 0) v += 2 ** 64;
  return v;
}

interface Cie {
  fdeEncoding: number;
  addressSize: number;
}

/**
 * Calls `visit(offset, length, pcBegin)` for each FDE of an `.eh_frame` or
 * `.debug_frame` (offset and length of the whole entry, length field
 * included). Stops at the terminator or at the first malformed entry.
 */
export function forEachFde(s: FrameSection, visit: (offset: number, length: number, pcBegin: number) => void): void {
  const cies = new Map<number, Cie | null>();
  const c = new Cursor(s.data, 0, s.order);
  try {
    while (c.pos + 4 <= s.data.length) {
      const start = c.pos;
      let len = c.u32();
      if (len === 0) {
        if (s.debugFrame) continue;
        return; // the .eh_frame terminator
      }
      let dwarf64 = false;
      if (len === 0xffffffff) {
        len = c.u64();
        dwarf64 = true;
      }
      const bodyStart = c.pos;
      const end = bodyStart + len;
      if (end > s.data.length) return;
      const idPos = c.pos;
      const id = dwarf64 ? c.u64() : c.u32();
      const isCie = s.debugFrame ? id === (dwarf64 ? 2 ** 64 - 1 : 0xffffffff) : id === 0;
      if (!isCie) {
        const cieAt = s.debugFrame ? id : idPos - id;
        let cie = cies.get(cieAt);
        if (cie === undefined) {
          cie = readCie(s, cieAt);
          cies.set(cieAt, cie);
        }
        if (cie) {
          const pc = s.debugFrame ? (cie.addressSize === 8 ? c.u64() : c.u32()) : readEncoded(c, cie.fdeEncoding, s.address, s.addressSize, 0);
          if (pc !== undefined) visit(start, end - start, pc);
        }
      }
      c.pos = end;
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
}

function readCie(s: FrameSection, at: number): Cie | null {
  try {
    const c = new Cursor(s.data, at, s.order);
    let len = c.u32();
    let dwarf64 = false;
    if (len === 0xffffffff) {
      len = c.u64();
      dwarf64 = true;
    }
    c.pos += dwarf64 ? 8 : 4;
    const version = c.u8();
    const aug = c.cstr();
    let addressSize: number = s.addressSize;
    if (s.debugFrame && version >= 4) {
      addressSize = c.u8();
      c.u8(); // segment selector size
    }
    if (aug.includes('eh')) c.pos += s.addressSize;
    c.uleb(); // code alignment
    c.sleb(); // data alignment
    if (version === 1) c.u8();
    else c.uleb(); // return address register
    let fdeEncoding = 0;
    if (aug.startsWith('z')) {
      c.uleb(); // augmentation data length
      for (const ch of aug.slice(1)) {
        if (ch === 'R') fdeEncoding = c.u8();
        else if (ch === 'L') c.u8();
        else if (ch === 'P') readEncoded(c, c.u8() & 0x7f, s.address, s.addressSize, 0);
        else if (ch === 'S' || ch === 'B' || ch === 'G') continue;
        else break;
      }
    }
    return { fdeEncoding, addressSize: addressSize === 4 || addressSize === 8 ? addressSize : s.addressSize };
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/**
 * Calls `visit(offset, length, pc)` for each entry of the binary-search
 * table of an `.eh_frame_hdr` (section version 1).
 */
export function forEachEhFrameHdrEntry(data: Uint8Array, address: number, order: ByteOrder, addressSize: 4 | 8, visit: (offset: number, length: number, pc: number) => void): void {
  try {
    const c = new Cursor(data, 0, order);
    if (c.u8() !== 1) return;
    const ptrEnc = c.u8();
    const countEnc = c.u8();
    const tableEnc = c.u8();
    readEncoded(c, ptrEnc, address, addressSize, address);
    const count = readEncoded(c, countEnc, address, addressSize, address);
    if (count === undefined || tableEnc === DW_EH_PE_omit) return;
    for (let i = 0; i < count && c.pos < data.length; i++) {
      const at = c.pos;
      const pc = readEncoded(c, tableEnc, address, addressSize, address);
      readEncoded(c, tableEnc, address, addressSize, address);
      if (pc === undefined) return;
      visit(at, c.pos - at, pc);
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
}
