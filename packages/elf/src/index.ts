/**
 * Read ELF32 and ELF64 files of either byte order: header, sections (with
 * transparent decompression), segments, symbols, notes, dynamic entries and
 * relocations. Parsers read a `Uint8Array` or a random-access
 * {@link ByteSource} and never touch the file system.
 *
 * @example
 * ```ts
 * import { ElfFile } from '@elfkit/elf';
 * const elf = ElfFile.parse(bytes);
 * for (const s of elf.sections) console.log(s.name, s.size);
 * ```
 * @module @elfkit/elf
 */
export { ElfFile, type ElfFileOptions, type ErrorSink } from './file.js';
export type { SectionInflater } from './section-inflater.js';
export { type ElfHeader, isElf } from './header.js';
export type { Section } from './section.js';
export type { Segment } from './segment.js';
export { type ElfSymbol, type SymbolFieldColumns, SymbolTable, symbolDisplayName } from './symbols.js';
export type { SymbolVersion } from './versions.js';
export { type Note, type NoteContent, type GnuProperty, noteTypeName, parseNotes, decodeGnuProperties } from './notes.js';
export { type DynamicEntry, dynamicFlagNames, dynamicFlags1Names, dynamicValueText } from './dynamic.js';
export type { Relocation, RelocationTable } from './relocations.js';
export { type Decompressors, type InflateStream, type SectionCompression, defaultDecompressors } from './compression.js';
export { StringTable } from './strtab.js';
export { sectionInSegment, sectionToSegmentMapping } from './mapping.js';
export { summarizeElf, type ElfSummary, type DebugSummary } from './summary.js';
export * from './names.js';
export * as constants from './constants.js';
export { ParseError, type ByteSource } from '@elfkit/binary';
export { relocTypeName, relocTypeTable, relocTypeFromInfo, unrecognizedRelocType, formatRelocType, formatMipsExtraRelocType } from './reloc-types/index.js';
export * from './rewrite/index.js';
export { type StructCodec, type FieldTable, type FieldKind, type PlacedField, type ElfLayouts, type RawHeader, type RawSectionHeader, type RawProgramHeader, type RawSymbol, type RawRel, type RawDyn, type RawChdr, FIELD_TABLES, elfLayouts, structCodec } from './layouts.js';
export * from './core-notes.js';
export { CoreRegisters, registerLayout, type RegisterLayout } from './core-registers.js';
