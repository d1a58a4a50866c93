/**
 * Symbolization over a binary's own debug information and what a host
 * finds for it: separate debug files by build id and `.gnu_debuglink`,
 * split DWARF, supplementary files; and the adapters that feed an ELF file
 * to the DWARF and Go readers. No Node import: file access comes through a
 * host (the Node one is in `@elfkit/symbolize/node`).
 *
 * @module @elfkit/symbolize
 */
export { Symbolizer, type SymbolizerOptions } from './symbolizer.js';
export { Module, type ModuleOptions, type UnwindTables, type LoadedSection, type SteppedDwarf } from './module.js';
export type { Frame, FrameSource, MissReason, CodeAnswer, DataAnswer, DataSymbol, MutableFrame } from './frame.js';
export { FrameBuffer } from './frame.js';
export type { SymbolizeHost, FetchedFile, Awaitable, IndexCacheStore } from './host.js';
export { IndexCacheError, INDEX_FORMAT, encodeIndex, decodeIndex, type DwarfSnapshot, type UnitSnapshot, type RangeTable, type DecodedIndex, type DecodedUnit } from './index-cache.js';
export { CachedDwarf } from './cached-dwarf.js';
export { DwarfSource, type SplitUnits, type FunctionFacts } from './dwarf-source.js';
export { UnitLines, type LineLocation, type LineColumns } from './dwarf-lines.js';
export { UnitFunctions, type FunctionNode, type FunctionColumns } from './dwarf-functions.js';
export { SymbolIndex, type IndexedSymbol, type SymbolColumns } from './symbol-index.js';
export { Tombstones } from './tombstone.js';
export { goFrames } from './go-source.js';
export { Demangler, isMangled } from './demangle.js';
export { openMiniDebugInfo, xzDecode } from './minidebuginfo.js';
export {
  elfLoader,
  hasDwarf,
  openDwarf,
  dwarfSearch,
  runSearch,
  errorSink,
  type ElfDebugHost,
  type DwarfOrigin,
  type OpenedDwarf,
  type DwarfOpenOptions,
  type DebugFileRequest,
  type FoundDebugFile,
  type FoundDwarf,
} from './debug-info.js';
export { relocateDebugSections, debugSectionGroups } from './relocate.js';
export { goImage } from './go-image.js';
export { imageSegment } from './image-segment.js';
export * from './debuginfod/index.js';
