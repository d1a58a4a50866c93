/**
 * Go metadata from any Go binary, container-independent: the pclntab of
 * every format since Go 1.2 (functions, files, PC-to-line with inline
 * frames), the build info blob and module info, and the Go build ID.
 *
 * Give it a {@link GoImage} (the CLI adapts an ELF file; {@link memoryImage}
 * wraps bytes) and call {@link inspectGo}, {@link openGoSymbols} or
 * {@link readBuildInfo}; or parse a pclntab's bytes directly with
 * {@link PcLnTable.parse}.
 *
 * @module @elfkit/gosym
 */
export { type GoImage, type ImageSection, type ImageSegment, type ImageSymbol, type MemoryImageParts, memoryImage, readSegments } from './image.js';
export {
  GO12_MAGIC,
  GO116_MAGIC,
  GO118_MAGIC,
  GO120_MAGIC,
  FORMAT_RELEASES,
  type PclnFormat,
  type PclnHeader,
  detectMagic,
  parsePclnHeader,
} from './header.js';
export { PcValueStream } from './pcvalue.js';
export { PcLnTable, type PcLnTableOptions, type SourceLine, type PcRange, type LineVisitor, type TextSection } from './table.js';
export { GoFunc, ARGS_SIZE_UNKNOWN } from './func.js';
export { type GoFrame, type InlinedCall, inlinedCallAt, inlineFrames } from './inline.js';
export { type ModuleData, findModuleData, readModuleData } from './moduledata.js';
export { type PclntabLocation, type PclntabScan, type GoSymbols, findPclntab, openGoSymbols } from './locate.js';
export { BUILDINFO_MAGIC, type RawBuildInfo, type BuildInfoParts, readRawBuildInfo, readBuildInfo, readBuildInfoParts } from './buildinfo.js';
export {
  type BuildInfo,
  type BuildSetting,
  type GoModule,
  ModInfoError,
  parseModInfo,
  formatBuildInfo,
  formatVersionM,
  quoteKey,
  quoteValue,
} from './modinfo.js';
export { goQuote, goUnquote } from './quote.js';
export { NT_GO_BUILD_ID, readGoBuildId } from './buildid.js';
export { type GoKind, type GoInspection, inspectGo } from './inspect.js';
