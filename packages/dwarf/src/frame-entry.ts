import type { Reader } from '@elfkit/binary';
import type { CfaContext } from './cfa-instruction.js';
import { DW_EH_PE_absptr, DW_EH_PE_omit, DW_EH_PE_pcrel, DW_EH_PE_sdata4, readEncodedPointer, validPointerEncoding, type PointerBases } from './eh-pointer.js';

const PCREL_SDATA4 = DW_EH_PE_pcrel | DW_EH_PE_sdata4;

/** Which call frame section an entry comes from: they differ in CIE ids, CIE pointers, pointer encodings and terminators. */
export type FrameSectionKind = 'eh_frame' | 'debug_frame';

/** What every entry of a call frame section has. */
interface EntryBase {
  /** Section offset of the entry (its length field). */
  readonly offset: number;
  /** The length field's value: the bytes after it. */
  readonly length: number;
  /** 4 for 32-bit DWARF, 8 for 64-bit DWARF. */
  readonly offsetSize: 4 | 8;
  /** Section offset of the next entry. */
  readonly end: number;
  /** The call frame instructions, and their section offset. */
  readonly instructions: Uint8Array;
  readonly instructionsOffset: number;
}

/** A Common Information Entry: what a group of FDEs share (DWARF 5 §6.4.1). */
export interface Cie extends EntryBase {
  readonly kind: 'cie';
  /** The CIE id field as stored (0 in `.eh_frame`, all ones in `.debug_frame`). */
  readonly id: bigint;
  /** 1 (`.eh_frame`, DWARF 2), 3 (DWARF 3) or 4 (DWARF 4/5). */
  readonly version: number;
  /** The augmentation string (`zR`, `zPLR`, `zRS`, `eh`, ``…). */
  readonly augmentation: string;
  /** Address size: the CIE's own field from version 4, else the file's. */
  readonly addressSize: number;
  /** Segment selector size (version 4; 0 before). */
  readonly segmentSize: number;
  readonly codeAlign: number;
  readonly dataAlign: number;
  readonly returnAddressRegister: number;
  /** The augmentation data (`z`), undefined without `z`. */
  readonly augmentationData?: Uint8Array;
  /** Encoding of the FDEs' addresses (`R`; absptr without it). */
  readonly fdeEncoding: number;
  /** Encoding of the FDEs' LSDA pointers (`L`; omit without it). */
  readonly lsdaEncoding: number;
  /** The personality routine's encoding and address (`P`); for an indirect encoding, the address of the pointer to it. */
  readonly personalityEncoding?: number;
  readonly personality?: bigint;
  /** `S`: FDEs of this CIE describe signal trampolines (the caller's pc is not a return address). */
  readonly signalFrame: boolean;
  /** AArch64 `B`: return addresses are signed with the B key. */
  readonly bKey: boolean;
  /** AArch64 `G`: the frames hold MTE-tagged memory. */
  readonly mteTagged: boolean;
}

/** A Frame Description Entry: the unwind rules of one address range. */
export interface Fde extends EntryBase {
  readonly kind: 'fde';
  /** The CIE pointer field as stored (an offset in `.debug_frame`, a backwards distance in `.eh_frame`). */
  readonly ciePointer: bigint;
  /** Section offset of its CIE. */
  readonly cieOffset: number;
  readonly cie: Cie;
  /** Segment selector (CIE version 4 with a segment size). */
  readonly segmentSelector?: bigint;
  readonly initialLocation: bigint;
  readonly addressRange: bigint;
  /** The augmentation data (CIE with `z`). */
  readonly augmentationData?: Uint8Array;
  /** The language-specific data area (CIE with `L`, unless omitted); for an indirect encoding, the address of the pointer to it. */
  readonly lsda?: bigint;
}

/** A zero length field: the end of `.eh_frame` (`ZERO terminator`). */
export interface FrameTerminator {
  readonly kind: 'terminator';
  readonly offset: number;
  /** Section offset after the terminator (and any zero padding after it). */
  readonly end: number;
}

/** Any entry of a call frame section. */
export type FrameEntry = Cie | Fde | FrameTerminator;

/** What entry parsing needs to know about the section. */
export interface EntryContext {
  readonly kind: FrameSectionKind;
  /** Address size of the file (CIE versions before 4). */
  readonly addressSize: number;
  /** Bases of encoded pointers; `section` is the section's address. */
  readonly bases: PointerBases;
  /** The section's address as a number, when it is below 2^53. */
  readonly sectionAddress?: number;
}

/**
 * Reads a CIE whose header (length, id) has been read: `r` is positioned
 * after the id. Throws ParseError on anything malformed.
 */
export function readCieBody(r: Reader, ctx: EntryContext, head: { offset: number; length: number; offsetSize: 4 | 8; id: bigint; end: number }): Cie {
  const version = r.u8();
  const eh = ctx.kind === 'eh_frame';
  if (eh ? version !== 1 && version !== 3 : version !== 1 && version !== 3 && version !== 4) {
    throw r.error('unsupported', `CIE version ${version} (${eh ? '.eh_frame has 1 or 3' : '.debug_frame has 1, 3 or 4'})`, r.pos - 1);
  }
  const augAt = r.pos;
  const augmentation = r.cstr();
  let addressSize = ctx.addressSize;
  let segmentSize = 0;
  if (augmentation === 'eh') r.skip(ctx.addressSize); // GCC 2's eh_ptr
  if (version >= 4) {
    addressSize = r.u8();
    segmentSize = r.u8();
    if (addressSize !== 2 && addressSize !== 4 && addressSize !== 8) throw r.error('invalid', `CIE address size ${addressSize}`, r.pos - 2);
    if (segmentSize > 8) throw r.error('invalid', `CIE segment selector size ${segmentSize}`, r.pos - 1);
  }
  const codeAlign = r.uleb();
  const dataAlign = r.sleb();
  const returnAddressRegister = version === 1 ? r.u8() : r.uleb();
  let augmentationData: Uint8Array | undefined;
  let fdeEncoding = DW_EH_PE_absptr;
  let lsdaEncoding = DW_EH_PE_omit;
  let personalityEncoding: number | undefined;
  let personality: bigint | undefined;
  let signalFrame = false;
  let bKey = false;
  let mteTagged = false;
  if (augmentation.startsWith('z')) {
    const len = r.uleb();
    const dataAt = r.pos;
    augmentationData = r.bytesView(len);
    const a = r.at(dataAt);
    for (let i = 1; i < augmentation.length; i++) {
      const ch = augmentation[i];
      const chAt = a.pos;
      switch (ch) {
        case 'L':
          lsdaEncoding = a.u8();
          if (!validPointerEncoding(lsdaEncoding)) throw a.error('invalid', `invalid LSDA pointer encoding 0x${lsdaEncoding.toString(16)}`, chAt);
          break;
        case 'P':
          personalityEncoding = a.u8();
          if (!validPointerEncoding(personalityEncoding) || personalityEncoding === DW_EH_PE_omit) throw a.error('invalid', `invalid personality pointer encoding 0x${personalityEncoding.toString(16)}`, chAt);
          personality = readEncodedPointer(a, personalityEncoding, ctx.bases, addressSize);
          break;
        case 'R':
          fdeEncoding = a.u8();
          if (!validPointerEncoding(fdeEncoding) || fdeEncoding === DW_EH_PE_omit) throw a.error('invalid', `invalid FDE pointer encoding 0x${fdeEncoding.toString(16)}`, chAt);
          break;
        case 'S':
          signalFrame = true;
          break;
        case 'B':
          bKey = true;
          break;
        case 'G':
          mteTagged = true;
          break;
        default:
          throw r.error('unsupported', `unknown augmentation '${ch}' in "${augmentation}"`, augAt);
      }
      if (a.pos > dataAt + len) throw a.error('truncated', `augmentation data of "${augmentation}" is longer than its length ${len}`, chAt);
    }
  } else if (augmentation !== '' && augmentation !== 'eh') {
    // Without 'z' nothing says how long unknown augmentation data is; the instructions cannot be found.
    throw r.error('unsupported', `unknown augmentation "${augmentation}"`, augAt);
  }
  return {
    kind: 'cie',
    ...entryTail(r, head, 'CIE'),
    id: head.id,
    version,
    augmentation,
    addressSize,
    segmentSize,
    codeAlign,
    dataAlign,
    returnAddressRegister,
    augmentationData,
    fdeEncoding,
    lsdaEncoding,
    personalityEncoding,
    personality,
    signalFrame,
    bKey,
    mteTagged,
  };
}

/** Reads an FDE whose header has been read (`r` after the CIE pointer) and whose CIE is known. */
export function readFdeBody(r: Reader, ctx: EntryContext, cie: Cie, offset: number, length: number, offsetSize: 4 | 8, ciePointer: bigint, cieOffset: number, end: number): Fde {
  const eh = ctx.kind === 'eh_frame';
  let segmentSelector: bigint | undefined;
  if (cie.segmentSize) segmentSelector = r.uintBig(cie.segmentSize);
  let initialLocation: bigint | undefined;
  let addressRange: bigint | undefined;
  const base = ctx.sectionAddress;
  if (eh && cie.fdeEncoding === PCREL_SDATA4 && base !== undefined && cie.addressSize === 8 && r.remaining >= 8) {
    // GCC's and Clang's encoding, read as numbers (readEncodedPointer's result, for the values it makes no bigint arithmetic for).
    const at = r.offset;
    const location = base + at + r.i32();
    const range = r.i32();
    if (location >= 0 && location <= Number.MAX_SAFE_INTEGER && range >= 0) {
      initialLocation = BigInt(location);
      addressRange = BigInt(range);
    } else r.pos -= 8;
  }
  if (initialLocation === undefined || addressRange === undefined) {
    if (eh) {
      initialLocation = readEncodedPointer(r, cie.fdeEncoding, ctx.bases, cie.addressSize);
      // The range is a length: only the value format applies, never a base.
      addressRange = readEncodedPointer(r, cie.fdeEncoding & 0x0f, {}, cie.addressSize);
    } else {
      initialLocation = r.uintBig(cie.addressSize);
      addressRange = r.uintBig(cie.addressSize);
    }
  }
  let augmentationData: Uint8Array | undefined;
  let lsda: bigint | undefined;
  // A CIE has augmentation data exactly when its augmentation starts with 'z'.
  if (cie.augmentationData !== undefined) {
    const len = r.uleb();
    const dataAt = r.pos;
    augmentationData = r.bytesView(len);
    if (cie.lsdaEncoding !== DW_EH_PE_omit) {
      const a = r.at(dataAt);
      lsda = readEncodedPointer(a, cie.lsdaEncoding, { ...ctx.bases, func: initialLocation }, cie.addressSize);
      if (a.pos > dataAt + len) throw a.error('truncated', `LSDA pointer runs past the FDE's augmentation data (${len} bytes)`, dataAt);
    }
  }
  // The fields written out, not spread from entryTail: an FDE is read per
  // function, and a literal of fixed shape is several times cheaper.
  if (r.offset > end) throw r.error('truncated', `FDE fields run past its end 0x${end.toString(16)}`, offset - r.base);
  const instructionsOffset = r.offset;
  return {
    kind: 'fde',
    offset,
    length,
    offsetSize,
    end,
    instructions: r.bytesView(end - instructionsOffset),
    instructionsOffset,
    ciePointer,
    cieOffset,
    cie,
    segmentSelector,
    initialLocation,
    addressRange,
    augmentationData,
    lsda,
  };
}

/** The fields every entry shares, and its instructions: the rest of it after the fields `r` has read. */
function entryTail(r: Reader, head: { offset: number; length: number; offsetSize: 4 | 8; end: number }, what: string): EntryBase {
  if (r.offset > head.end) throw r.error('truncated', `${what} fields run past its end 0x${head.end.toString(16)}`, head.offset - r.base);
  const instructionsOffset = r.offset;
  const instructions = r.bytesView(head.end - r.offset);
  return { offset: head.offset, length: head.length, offsetSize: head.offsetSize, end: head.end, instructions, instructionsOffset };
}

/** The instruction decoding context of an entry (its CIE's factors and pointer encoding). */
export function cfaContext(cie: Cie, kind: FrameSectionKind, bases: PointerBases): CfaContext {
  return {
    codeAlign: cie.codeAlign,
    dataAlign: cie.dataAlign,
    addressSize: cie.addressSize,
    pointerEncoding: kind === 'eh_frame' ? cie.fdeEncoding : undefined,
    bases,
  };
}
