/**
 * Container images without a daemon and without unpacking them: OCI image
 * layouts (directory or tar, nested indexes, platform selection) and
 * `docker save` tarballs of every shape, layers (tar, gzip, zstd — judged
 * by their bytes) checked by sha256 as they stream and applied to an
 * in-memory file tree as a runtime would (whiteouts, opaque directories,
 * hard links, symlinks inside the image root), and every ELF file's facts:
 * build id, Go modules, elfkit stamp, and where its debug information is.
 *
 * Runs in browsers and workers: file access and native codecs come through
 * an {@link ImageHost}; the Node one is `@elfkit/image/node`.
 *
 * @module @elfkit/image
 */
export { ContainerImage, type OpenOptions, type TreeOptions, type ScanProgress, type LayerReport, type ImageElfFile } from './container-image.js';
export { scanImage, type ScanOptions, type ScanResult, type ScanSummary } from './scan.js';
export { ImageError, isImageError, warningText, type ImageErrorCode, type ImageWarning, type ImageLocation } from './errors.js';
export { type ImageHost, type ResolvedHost, type SpillWriter, type Spilled, resolveHost } from './host.js';
export { type RandomAccess, bytesAccess, sliceAccess, readChunks } from './access.js';
export { type Hasher, type HasherFactory, jsHasher, parseDigest, digestOf, type Digest } from './digest.js';
export { type Compression, type Decompressors, type StreamDecoder, jsDecompressors, sniffCompression } from './compression.js';
export { type LayerRef, type LayerStream, type LayerEnvironment, type ExpansionLimits, openLayerStream } from './layer-stream.js';
export {
  openImage,
  readBlob,
  type ImageInfo,
  type ImageFormat,
  type ImageInput,
  type ImageSelection,
  type Referrer,
  type OtherImage,
  type OpenedImage,
} from './layout/open-image.js';
export { type ImageFiles, archiveFiles, cleanPath } from './layout/files.js';
export {
  type Platform,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type ImageConfig,
  parsePlatform,
  platformText,
  platformMatches,
} from './layout/documents.js';
export { MediaType, Annotation, EMPTY_JSON_DIGEST } from './layout/media-types.js';
export { DebugAnnotation, DEBUG_ANNOTATION_PREFIX, PROPOSED_DEBUG_PREFIX, DEBUG_ARTIFACT_TYPE, SIGSTORE_BUNDLE_TYPE, imageAnnotations, debugArtifacts, type ImageAnnotation } from './annotations.js';
export { TarReader, type TarEntry, type TarLimits, type SparseFormat } from './tar/reader.js';
export { type TarEntryType } from './tar/header.js';
export { type TarWriteEntry, tarChunks, tarBytes, entryHeader } from './tar/writer.js';
export { FileTree, FsNode, type Lookup } from './tree/file-tree.js';
export { Inode, type FileKind } from './tree/inode.js';
export { applyLayer, type ApplyOptions, type FileVisitor, type LayerStats, DEFAULT_MAX_FILES } from './tree/apply-layer.js';
export { readElfFacts, type ElfFacts, type GoFacts, type GoModuleFacts, type ElfFactsOptions } from './elf/facts.js';
export { debugLocation, debugFileHost, type DebugLocation, type ElfState, IMAGE_DEBUG_DIRECTORIES } from './elf/debug-location.js';
export { cycloneDx, golangPurl, stdlibPurl, type CycloneDxBom, type SbomOptions } from './sbom.js';
export { summarize, elfKind } from './scan.js';
export { planDebugTree, debugTreeBytes, buildIdPath, type DebugTreeFile, type DebugTreePlan } from './debug-split.js';
export { type LayoutWriter, type JsonDescriptor, jsonBytes, putJsonBlob, readJsonFile, blobPathOf } from './write/layout-writer.js';
export { proposeAnnotations, annotateManifest, type ProposedAnnotations, type AnnotateResult } from './write/annotate.js';
export { attachDebugArtifact, attachSignatureBundle, addToIndex, type AttachedDebug, type AttachDebugOptions } from './write/attach.js';
export { gzipStream } from './compression.js';
