/**
 * The Node host for `@elfkit/image`: files and layout directories, native
 * hashing and gunzip, temporary files for large ELF files.
 *
 * @packageDocumentation
 */
export { nodeImageHost, nodeHasher, nodeCrc32, type NodeImageHost } from './host.js';
export { nodeDecompressors, nodeDecompressorsWith, type GunzipHere } from './decompress.js';
export { directoryFiles, fileAccess, openImageInput, openImageFile, type OpenedImageFile } from './files.js';
export { TempStore } from './spill.js';
export { directoryLayoutWriter } from './layout-writer.js';
