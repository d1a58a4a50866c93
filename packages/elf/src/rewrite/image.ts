import { toByteSource, type ByteSource, type ParseError } from '@elfkit/binary';
import { readHeader, type ElfHeader } from '../header.js';
import type { ElfLayouts } from '../layouts.js';
import { readSections, type Section } from '../section.js';
import { readSegments, type Segment } from '../segment.js';

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
