import { ParseError, Reader, decodeUtf8, hexBytes, type ByteOrder } from '@elfkit/binary';
import * as C from './constants.js';

/** One ELF note (Elf_Nhdr + name + descriptor). */
export interface Note {
  /** Owner name without the trailing NUL (`GNU`, `Go`, `FDO`). */
  readonly owner: string;
  /** n_type; its meaning depends on the owner. */
  readonly type: number;
  /** The descriptor bytes. */
  readonly desc: Uint8Array;
  /** Alignment used to walk the notes (4 or 8). */
  readonly align: 4 | 8;
  /** Offset of the note header in the file. */
  readonly fileOffset: number;
  /** The section it was read from, when read through section headers. */
  readonly section?: string;
  /** The PT_NOTE segment index, when read through program headers. */
  readonly segment?: number;
}

/**
 * Walks the notes in `bytes` (a note section or PT_NOTE segment) with
 * readelf's rules: alignment below 4 counts as 4, only 4 and 8 are valid,
 * and a note whose name or descriptor runs past the end stops the walk with
 * a ParseError.
 */
export function parseNotes(
  bytes: Uint8Array,
  order: ByteOrder,
  alignValue: number | bigint,
  where: { section?: string; segment?: number; fileOffset: number; label?: string },
  into: Note[] = [],
): Note[] {
  const label = where.label ?? where.section ?? `PT_NOTE segment ${where.segment ?? '?'}`;
  const alignNum = typeof alignValue === 'bigint' ? (alignValue > 8n ? 16 : Number(alignValue)) : alignValue;
  const align = alignNum < 4 ? 4 : alignNum;
  if (align !== 4 && align !== 8) throw new ParseError('invalid', `note alignment ${alignValue} (expected 4 or 8)`, label, 0);
  // The headers are read from one view over the bytes, not through a Reader: a core holds a few notes per thread
  // (hundreds in all), read once, mostly by the interpreter.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = order === 'little';
  const end = bytes.length;
  const { section, segment } = where;
  const base = where.fileOffset;
  const mask = ~(align - 1);
  // Notes go into `into` as they are read, so a caller keeps those before a damaged one.
  const notes = into;
  let start = 0;
  while (start < end) {
    if (end - start < 12) throw new ParseError('truncated', `note header needs 12 bytes, ${end - start} left`, label, start);
    const namesz = view.getUint32(start, little);
    const descsz = view.getUint32(start + 4, little);
    const type = view.getUint32(start + 8, little);
    const nameAt = start + 12;
    // The descriptor starts at the header+name size rounded up to the alignment (ELF_NOTE_DESC_OFFSET).
    const descAt = start + ((12 + namesz + align - 1) & mask);
    const next = descAt + ((descsz + align - 1) & mask);
    if (namesz > end || descsz > end || descAt > end || descAt + descsz > end) {
      throw new ParseError('out-of-range', `note with invalid namesz (0x${namesz.toString(16)}) and/or descsz (0x${descsz.toString(16)})`, label, start);
    }
    let nameEnd = nameAt + namesz;
    while (nameEnd > nameAt && bytes[nameEnd - 1] === 0) nameEnd--;
    notes.push({
      owner: ownerName(bytes, nameAt, nameEnd),
      type,
      desc: bytes.subarray(descAt, descAt + descsz),
      align: align as 4 | 8,
      fileOffset: base + start,
      section,
      segment,
    });
    if (next > end) break; // the last note's padding may be cut off
    start = next;
  }
  return notes;
}

/** A note's owner name: `CORE` and `LINUX` (a core's every note) without a decoder call, any other decoded. */
function ownerName(bytes: Uint8Array, at: number, end: number): string {
  const n = end - at;
  if (n === 4 && bytes[at] === 0x43 && bytes[at + 1] === 0x4f && bytes[at + 2] === 0x52 && bytes[at + 3] === 0x45) return 'CORE';
  if (n === 5 && bytes[at] === 0x4c && bytes[at + 1] === 0x49 && bytes[at + 2] === 0x4e && bytes[at + 3] === 0x55 && bytes[at + 4] === 0x58) return 'LINUX';
  return decodeUtf8(bytes, at, end);
}

/** A note's type as `readelf -n` prints it (`NT_GNU_BUILD_ID (unique build ID bitstring)`). */
export function noteTypeName(note: Pick<Note, 'owner' | 'type'>, fileType: number): string {
  const t = note.type;
  const unknown = `Unknown note type: (0x${t.toString(16).padStart(8, '0')})`;
  switch (note.owner) {
    case 'GNU':
      return (
        {
          [C.NT_GNU_ABI_TAG]: 'NT_GNU_ABI_TAG (ABI version tag)',
          [C.NT_GNU_HWCAP]: 'NT_GNU_HWCAP (DSO-supplied software HWCAP info)',
          [C.NT_GNU_BUILD_ID]: 'NT_GNU_BUILD_ID (unique build ID bitstring)',
          [C.NT_GNU_GOLD_VERSION]: 'NT_GNU_GOLD_VERSION (gold version)',
          [C.NT_GNU_PROPERTY_TYPE_0]: 'NT_GNU_PROPERTY_TYPE_0',
          0x100: 'NT_GNU_BUILD_ATTRIBUTE_OPEN',
          0x101: 'NT_GNU_BUILD_ATTRIBUTE_FUNC',
        } as Record<number, string>
      )[t] ?? unknown;
    case 'Go':
      return t === C.NT_GO_BUILD_ID ? 'GO BUILDID' : unknown;
    case 'FDO':
      return t === C.NT_FDO_PACKAGING_METADATA ? 'FDO_PACKAGING_METADATA' : t === C.NT_FDO_DLOPEN_METADATA ? 'FDO_DLOPEN_METADATA' : unknown;
    case 'stapsdt':
      return t === C.NT_STAPSDT ? 'NT_STAPSDT (SystemTap probe descriptors)' : unknown;
    case 'GA$3a1':
    case 'GA$\u00033a1':
      return t === 0x100 ? 'NT_GNU_BUILD_ATTRIBUTE_OPEN' : t === 0x101 ? 'NT_GNU_BUILD_ATTRIBUTE_FUNC' : unknown;
  }
  if (fileType === C.ET_CORE) return unknown;
  return ({ 1: 'NT_VERSION (version)', 2: 'NT_ARCH (architecture)', 0x100: 'OPEN', 0x101: 'func' } as Record<number, string>)[t] ?? unknown;
}

/** A decoded GNU property (`.note.gnu.property`). */
export interface GnuProperty {
  /** pr_type. */
  readonly type: number;
  /** The property as readelf words it (`x86 feature: IBT, SHSTK`). */
  readonly text: string;
  /** pr_data. */
  readonly data: Uint8Array;
}

/** What elfkit understood of a note's descriptor. */
export type NoteContent =
  | { kind: 'gnu-build-id'; buildId: string }
  | { kind: 'gnu-abi-tag'; os: string; abi: string }
  | { kind: 'gnu-properties'; properties: GnuProperty[] }
  | { kind: 'gnu-gold-version'; version: string }
  | { kind: 'go-build-id'; buildId: string }
  | { kind: 'package'; json: unknown; text: string }
  | { kind: 'unknown' };

const ABI_OS = ['Linux', 'Hurd', 'Solaris', 'FreeBSD', 'NetBSD', 'Syllable', 'NaCl'];

/** Decodes the descriptors elfkit knows: build ids, ABI tag, GNU properties, Go build id, FDO package metadata. */
export function decodeNote(note: Note, order: ByteOrder, bits: 32 | 64, machine: number): NoteContent {
  const d = note.desc;
  if (note.owner === 'GNU') {
    switch (note.type) {
      case C.NT_GNU_BUILD_ID:
        return { kind: 'gnu-build-id', buildId: hexBytes(d) };
      case C.NT_GNU_ABI_TAG: {
        if (d.length < 16) break;
        const r = new Reader(d, { order, section: note.section || 'note' });
        const os = r.u32();
        const a = r.u32();
        const b = r.u32();
        const c = r.u32();
        return { kind: 'gnu-abi-tag', os: ABI_OS[os] ?? `Unknown (${os})`, abi: `${a}.${b}.${c}` };
      }
      case C.NT_GNU_GOLD_VERSION:
        return { kind: 'gnu-gold-version', version: decodeUtf8(d, 0, d.indexOf(0) < 0 ? d.length : d.indexOf(0)) };
      case C.NT_GNU_PROPERTY_TYPE_0:
        return { kind: 'gnu-properties', properties: decodeGnuProperties(d, order, bits, machine, note.section || 'note') };
    }
  } else if (note.owner === 'Go' && note.type === C.NT_GO_BUILD_ID) {
    let end = d.length;
    while (end > 0 && d[end - 1] === 0) end--;
    return { kind: 'go-build-id', buildId: decodeUtf8(d, 0, end) };
  } else if (note.owner === 'FDO' && note.type === C.NT_FDO_PACKAGING_METADATA) {
    const nul = d.indexOf(0);
    const text = decodeUtf8(d, 0, nul < 0 ? d.length : nul);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { kind: 'package', json, text };
  }
  return { kind: 'unknown' };
}

const X86_FEATURE_1 = ['IBT', 'SHSTK', 'LAM_U48', 'LAM_U57'];
const X86_FEATURE_2 = ['x86', 'x87', 'MMX', 'XMM', 'YMM', 'ZMM', 'FXSR', 'XSAVE', 'XSAVEOPT', 'XSAVEC', 'TMM', 'MASK'];
const X86_ISA = ['x86-64-baseline', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4'];
const AARCH64_FEATURE_1 = ['BTI', 'PAC', 'GCS'];

function bitNames(v: number, names: string[]): string {
  if (v === 0) return '<None>';
  const out: string[] = [];
  for (let i = 0; i < 32; i++) {
    if (v & (1 << i)) out.push(names[i] ?? `<unknown: ${(1 << i) >>> 0 === 0 ? 0 : ((1 << i) >>> 0).toString(16)}>`);
  }
  return out.join(', ');
}

/** Decodes the property array of NT_GNU_PROPERTY_TYPE_0 (8-byte aligned in ELF64, 4 in ELF32). */
export function decodeGnuProperties(d: Uint8Array, order: ByteOrder, bits: 32 | 64, machine: number, section: string): GnuProperty[] {
  const r = new Reader(d, { order, section });
  const align = bits === 64 ? 8 : 4;
  const props: GnuProperty[] = [];
  while (r.remaining >= 8) {
    const type = r.u32();
    const size = r.u32();
    if (size > r.remaining) throw r.error('out-of-range', `GNU property 0x${type.toString(16)} size ${size} runs past the note`);
    const data = r.bytesView(size);
    const pad = (align - (size % align)) % align;
    r.pos = Math.min(r.length, r.pos + pad);
    const u32 = size === 4 ? new Reader(data, { order }).u32() : undefined;
    let text: string;
    if (type === C.GNU_PROPERTY_STACK_SIZE) {
      text = size === bits / 8 ? `stack size: 0x${new Reader(data, { order }).uintBig(size).toString(16)}` : `<corrupt length: 0x${size.toString(16)}>`;
    } else if (type === C.GNU_PROPERTY_NO_COPY_ON_PROTECTED) {
      text = size === 0 ? 'no copy on protected' : `<corrupt length: 0x${size.toString(16)}>`;
    } else if (type === C.GNU_PROPERTY_1_NEEDED && u32 !== undefined) {
      text = `1_needed: ${u32 & 1 ? 'indirect external access' : u32 === 0 ? '<None>' : `<unknown: ${u32.toString(16)}>`}`;
    } else if (machine === C.EM_X86_64 || machine === C.EM_386) {
      text = x86Property(type, u32, size);
    } else if (machine === C.EM_AARCH64 && type === C.GNU_PROPERTY_AARCH64_FEATURE_1_AND && u32 !== undefined) {
      text = `AArch64 feature: ${bitNames(u32, AARCH64_FEATURE_1)}`;
    } else {
      text = `${type >= C.GNU_PROPERTY_LOPROC ? 'processor-specific' : 'unknown'} type 0x${type.toString(16)} data: ${hexBytes(data)}`;
    }
    props.push({ type, text, data });
  }
  return props;
}

function x86Property(type: number, v: number | undefined, size: number): string {
  if (v === undefined) return `x86 <corrupt length: 0x${size.toString(16)}>`;
  switch (type) {
    case C.GNU_PROPERTY_X86_FEATURE_1_AND:
      return `x86 feature: ${bitNames(v, X86_FEATURE_1)}`;
    case C.GNU_PROPERTY_X86_ISA_1_USED:
      return `x86 ISA used: ${bitNames(v, X86_ISA)}`;
    case C.GNU_PROPERTY_X86_ISA_1_NEEDED:
      return `x86 ISA needed: ${bitNames(v, X86_ISA)}`;
    case C.GNU_PROPERTY_X86_FEATURE_2_USED:
      return `x86 feature used: ${bitNames(v, X86_FEATURE_2)}`;
    case C.GNU_PROPERTY_X86_FEATURE_2_NEEDED:
      return `x86 feature needed: ${bitNames(v, X86_FEATURE_2)}`;
    default:
      return `x86 type 0x${type.toString(16)} data: 0x${v.toString(16)}`;
  }
}
