/**
 * A debuginfod server's core: ELF files classified by build id into
 * executables and debug files (as elfutils' debuginfod does), their
 * sections and the source files their DWARF names, the protocol's requests
 * parsed and checked, and Prometheus metrics. Browser-safe; the scanner and
 * the HTTP server are in `@elfkit/debuginfod/node`.
 *
 * @module @elfkit/debuginfod
 */
export { isBuildId, MAX_BUILD_ID_DIGITS } from './build-id.js';
export { type Blob, subBlob } from './blob.js';
export { readElfRecord, hasElfMagic, type ElfRecord, type SectionSpan } from './elf-record.js';
export { sourceNames, MAX_SOURCES } from './source-names.js';
export { canonicalPath, requestedSourcePath, isUnder } from './source-path.js';
export { DebugIndex, type IndexedFile, type BuildIdEntry, type SourceFinder, type ArtifactType } from './debug-index.js';
export { parseRequest, type DebuginfodRequest, type RequestError } from './request.js';
export { Metrics, type Labels } from './metrics.js';
