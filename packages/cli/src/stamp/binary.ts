import { readRange, type ByteSource } from '@elfkit/binary';
import * as C from '@elfkit/elf/constants';
import { parseNotes } from '@elfkit/elf/notes';
import type { ElfImage } from '@elfkit/elf/rewrite';

/** What the binary says about itself. */
export interface BinaryFacts {
  /** GNU build id (lowercase hex); null when there is none. */
  buildId: string | null;
  /** Go toolchain version (`go1.27.3`) from `.go.buildinfo`; null for non-Go binaries. */
  goVersion: string | null;
  /** Go main module path; null when unknown. */
  goModule: string | null;
  /** Go main module version (`(devel)`, `v1.2.3`); null when unknown. */
  goModuleVersion: string | null;
}

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Build id and Go build information of `image`; never throws for odd files (the facts are then null). */
export function binaryFacts(image: ElfImage): BinaryFacts {
  const facts: BinaryFacts = { buildId: null, goVersion: null, goModule: null, goModuleVersion: null };
  try {
    for (const s of image.sections) {
      if (s.type !== C.SHT_NOTE || s.size > 1 << 16) continue;
      for (const n of parseNotes(readRange(image.source, s.offset, s.size, s.name), image.header.order, s.addralign, { section: s.name, fileOffset: s.offset })) {
        if (n.owner === 'GNU' && n.type === C.NT_GNU_BUILD_ID && facts.buildId === null) facts.buildId = hexOf(n.desc);
      }
    }
  } catch {
    // A malformed note hides the build id, nothing more.
  }
  try {
    Object.assign(facts, goBuildInfo(image));
  } catch {
    // Not Go, or an unreadable build info: no Go facts.
  }
  return facts;
}

const MAGIC = '\xff Go buildinf:';

/**
 * The Go version and main module from `.go.buildinfo` (debug/buildinfo's
 * format): a 32-byte header, then two varint-prefixed strings (Go 1.18+)
 * or two pointers to Go string headers (older).
 */
function goBuildInfo(image: ElfImage): Partial<BinaryFacts> {
  const { source } = image;
  const s = image.sections.find((x) => x.name === '.go.buildinfo' && x.type !== C.SHT_NOBITS);
  if (!s || s.size < 32) return {};
  const data = readRange(source, s.offset, Math.min(s.size, 1 << 20), '.go.buildinfo');
  for (let i = 0; i < MAGIC.length; i++) if (data[i] !== MAGIC.charCodeAt(i)) return {};
  const ptrSize = data[14]!;
  const flags = data[15]!;
  let version: string;
  let mod: Uint8Array;
  if (flags & 2) {
    let at = 32;
    const str = (): Uint8Array => {
      let n = 0;
      let shift = 0;
      for (;;) {
        const b = data[at++]!;
        n += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (b < 0x80) break;
      }
      const out = data.subarray(at, at + n);
      at += n;
      return out;
    };
    version = new TextDecoder().decode(str());
    mod = str();
  } else {
    const le = !(flags & 1) && image.header.order === 'little';
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const ptr = (at: number) => (ptrSize === 8 ? dv.getBigUint64(at, le) : BigInt(dv.getUint32(at, le)));
    const readString = (addr: bigint): Uint8Array => {
      const hdr = readVirtual(image, addr, ptrSize * 2);
      const hv = new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength);
      const p = ptrSize === 8 ? hv.getBigUint64(0, le) : BigInt(hv.getUint32(0, le));
      const n = Number(ptrSize === 8 ? hv.getBigUint64(8, le) : BigInt(hv.getUint32(4, le)));
      return readVirtual(image, p, n);
    };
    version = new TextDecoder().decode(readString(ptr(16)));
    mod = readString(ptr(16 + ptrSize));
  }
  // The module info is framed by 16-byte sentinels ending and starting with a newline.
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) mod = mod.subarray(16, mod.length - 16);
  const out: Partial<BinaryFacts> = { goVersion: version || null };
  for (const line of new TextDecoder().decode(mod).split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'mod' && f[1]) {
      out.goModule = f[1];
      out.goModuleVersion = f[2] || null;
    } else if (f[0] === 'path' && f[1] && !out.goModule) {
      out.goModule = f[1];
    }
  }
  return out;
}

function readVirtual(image: { source: ByteSource; segments: ElfImage['segments'] }, vaddr: bigint, size: number): Uint8Array {
  for (const p of image.segments) {
    if (p.type !== C.PT_LOAD || vaddr < p.vaddr || vaddr + BigInt(size) > p.vaddr + BigInt(p.filesz)) continue;
    return readRange(image.source, p.offset + Number(vaddr - p.vaddr), size, 'Go build info string');
  }
  throw new Error('address outside the file');
}
