import { readRange, toByteSource, type ByteSource } from '@elfkit/binary';
import * as C from '../constants.js';
import { RewriteError } from './edits.js';
import { readElfImage, type ElfImage } from './image.js';

/** A run of output bytes: given bytes, or a range of the input copied. */
export type Piece = { readonly at: number; readonly bytes: Uint8Array } | { readonly at: number; readonly from: number; readonly length: number };

/** How to write a file from pieces, in order of output offset. */
export interface PiecePlan {
  readonly size: number;
  readonly pieces: readonly Piece[];
}

const alignUp = (v: number, a: number) => (a > 1 ? Math.ceil(v / a) * a : v);

/**
 * What `objcopy --only-keep-debug` makes of a binary, planned without
 * copying it: a separate debug file with the same headers, notes (the build
 * id) and non-allocated sections (DWARF, `.symtab`, `.strtab`,
 * `.comment`), the allocated sections kept as `SHT_NOBITS` headers so
 * addresses still map, and program headers that no longer cover file
 * bytes (PT_NOTE segments still do: they move with their notes).
 */
export function onlyKeepDebugPlan(image: ElfImage): PiecePlan {
  const { header: h, layouts, source, sections, segments } = image;
  if (sections.length === 0) throw new RewriteError('unsupported', 'the file has no section header table: nothing says which bytes are debug information');
  if (h.type === C.ET_REL) throw new RewriteError('unsupported', 'an object file (ET_REL) keeps its debug information itself');
  const phEnd = Math.max(h.ehsize, h.phnum > 0 && h.phoff > 0 ? h.phoff + h.phnum * h.phentsize : 0);
  const pieces: Piece[] = [];
  let end = phEnd;
  // PT_NOTE segments move as blocks, their note sections with them.
  const movedNotes = new Map<number, number>();
  for (const p of segments) {
    if (p.type !== C.PT_NOTE || p.filesz === 0) continue;
    end = alignUp(end, Math.max(4, Number(p.align)));
    pieces.push({ at: end, from: p.offset, length: p.filesz });
    movedNotes.set(p.index, end);
    end += p.filesz;
  }
  const noteBlockOf = (s: { offset: number; size: number }) => segments.find((p) => movedNotes.has(p.index) && p.offset <= s.offset && s.offset + s.size <= p.offset + p.filesz);
  const offsets: number[] = [];
  const types: number[] = [];
  for (const s of sections) {
    offsets.push(s.offset);
    types.push(s.type);
    if (s.index === 0) continue;
    const alloc = (s.flags & C.SHF_ALLOC) !== 0;
    if (s.type === C.SHT_NOBITS) {
      offsets[s.index] = Math.min(s.offset, phEnd);
    } else if (alloc && s.type === C.SHT_NOTE) {
      const block = noteBlockOf(s);
      if (block) offsets[s.index] = movedNotes.get(block.index)! + (s.offset - block.offset);
      else {
        end = alignUp(end, Math.max(1, s.addralign));
        pieces.push({ at: end, from: s.offset, length: s.size });
        offsets[s.index] = end;
        end += s.size;
      }
    } else if (alloc) {
      types[s.index] = C.SHT_NOBITS;
      offsets[s.index] = Math.min(s.offset, phEnd);
    } else {
      end = alignUp(end, Math.max(1, s.addralign));
      if (s.size > 0) {
        readRange(source, s.offset, s.size, `section ${s.index} (${s.name})`, s.name);
        pieces.push({ at: end, from: s.offset, length: s.size });
      }
      offsets[s.index] = end;
      end += s.size;
    }
  }
  const shoff = alignUp(end, h.bits === 64 ? 8 : 4);
  const shnum = sections.length;
  const sht = readRange(source, h.shoff, shnum * h.shentsize, 'section header table').slice();
  for (const s of sections) {
    if (s.index === 0) continue;
    layouts.sectionHeader.write(sht, s.index * h.shentsize, { sh_type: types[s.index]!, sh_offset: h.bits === 64 ? BigInt(offsets[s.index]!) : offsets[s.index]! });
  }
  // The file header and program headers, patched: segments keep their
  // addresses, but only the notes still have bytes in the file.
  const head = readRange(source, 0, phEnd, 'file and program headers').slice();
  const big = (v: number) => (h.bits === 64 ? BigInt(v) : v);
  for (const p of segments) {
    const at = h.phoff + p.index * h.phentsize;
    // A segment inside a moved note block (PT_GNU_PROPERTY over .note.gnu.property) moves with it.
    const block = movedNotes.has(p.index) ? p : p.filesz > 0 ? noteBlockOf({ offset: p.offset, size: p.filesz }) : undefined;
    if (block) layouts.programHeader.write(head, at, { p_offset: big(movedNotes.get(block.index)! + (p.offset - block.offset)) });
    else if (p.offset + p.filesz <= phEnd) continue;
    else if (p.offset < phEnd) layouts.programHeader.write(head, at, { p_filesz: big(phEnd - p.offset) });
    else layouts.programHeader.write(head, at, { p_offset: big(Math.min(p.offset, phEnd)), p_filesz: big(0) });
  }
  layouts.header.write(head, 0, { e_shoff: big(shoff) });
  pieces.unshift({ at: 0, bytes: head });
  pieces.push({ at: shoff, bytes: sht });
  return { size: shoff + sht.length, pieces };
}

/** The bytes of a {@link PiecePlan} over `input`. */
export function applyPieces(input: Uint8Array | ByteSource, plan: PiecePlan): Uint8Array {
  const source = toByteSource(input);
  const out = new Uint8Array(plan.size);
  for (const p of plan.pieces) out.set('bytes' in p ? p.bytes : source.read(p.from, p.length), p.at);
  return out;
}

/** `objcopy --only-keep-debug` in memory: the separate debug file of `input`. */
export function onlyKeepDebug(input: Uint8Array | ByteSource): Uint8Array {
  return applyPieces(input, onlyKeepDebugPlan(readElfImage(input)));
}
