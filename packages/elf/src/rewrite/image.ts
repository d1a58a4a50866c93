import { ParseError, toByteSource, type ByteSource } from '@elfkit/binary';
import { readHeader, type ElfHeader } from '../header.js';
import type { ElfLayouts } from '../layouts.js';
import { readSections, type Section } from '../section.js';
import { readSegments, type Segment } from '../segment.js';
import { hasFileData } from './layout.js';

/**
 * What the writer needs of a parsed file: the header, both header tables
 * and random access to the bytes. An {@link ElfFile} is one; so is
 * {@link readElfImage}'s result, which loads only the header modules (the
 * stamp command's start-up budget has no room for the whole reader).
 */
export interface ElfImage {
  readonly source: ByteSource;
  readonly header: ElfHeader;
  readonly layouts: ElfLayouts;
  readonly sections: readonly Section[];
  readonly segments: readonly Segment[];
}

/** Reads the file header and both header tables of `input`; throws ParseError if it is not ELF. */
export function readElfImage(input: Uint8Array | ByteSource): ElfImage & { warnings: ParseError[] } {
  const source = toByteSource(input);
  const { header, layouts } = readHeader(source);
  const { sections, warnings } = readSections(source, header, layouts);
  const segments = readSegments(source, header, layouts);
  return { source, header, layouts, sections, segments, warnings };
}

/**
 * Refuses a file the writer could only make worse: a file header shorter
 * than its record, header tables with short entries, or a section or
 * segment whose bytes lie outside the file. Readers list such files (what
 * can be read is shown); a rewrite must not copy the damage into a new file
 * or size its output by it. Throws ParseError naming the field.
 */
export function assertRewritable(image: ElfImage): void {
  const { header: h, layouts, source } = image;
  const is64 = h.bits === 64;
  if (h.ehsize < layouts.header.size) throw new ParseError('invalid', `e_ehsize ${h.ehsize} is smaller than an ELF header (${layouts.header.size})`, 'file', is64 ? 0x34 : 0x28);
  if (h.phnum > 0 && h.phentsize < layouts.programHeader.size) throw new ParseError('invalid', `e_phentsize ${h.phentsize} is smaller than a program header (${layouts.programHeader.size})`, 'file', is64 ? 0x36 : 0x2a);
  for (const p of image.segments) {
    if (p.offset + p.filesz > source.size) {
      throw new ParseError('out-of-range', `segment ${p.index} (0x${p.filesz.toString(16)} bytes at 0x${p.offset.toString(16)}) extends past the end of the file`, 'file', h.phoff + p.index * h.phentsize);
    }
  }
  for (const s of image.sections) {
    // Every section whose bytes the writer keeps (as the layout counts them: a NULL section with a size too).
    if (s.index === 0 || !hasFileData(s)) continue;
    if (s.offset + s.size > source.size) {
      throw new ParseError('out-of-range', `section ${s.index} (${s.label}: 0x${s.size.toString(16)} bytes at 0x${s.offset.toString(16)}) extends past the end of the file`, 'file', h.shoff + s.index * h.shentsize);
    }
  }
}
