/**
 * Symbolization over a binary's own debug information and what a host
 * finds for it: separate debug files by build id and `.gnu_debuglink`,
 * split DWARF, supplementary files; and the adapters that feed an ELF file
 * to the DWARF and Go readers. No Node import: file access comes through a
 * host (the Node one is in `@elfkit/symbolize/node`).
 *
 * @packageDocumentation
 */
export { elfLoader, hasDwarf, openDwarf, errorSink, type ElfDebugHost, type DwarfSource, type OpenedDwarf, type DwarfOpenOptions } from './debug-info.js';
export { relocateDebugSections } from './relocate.js';
export { goImage } from './go-image.js';
export { imageSegment } from './image-segment.js';
