/**
 * The Node side of `@elfkit/debuginfod`: the scanner over directories, tar
 * archives and images, the node:http server, federation with its cache.
 *
 * @packageDocumentation
 */
export { DebuginfodServer, type ServerOptions } from './server.js';
export { scanRoots, type ScanOptions, type ScanResult, type KnownFile } from './scan.js';
export { Upstreams, UpstreamRefused, type UpstreamOptions, type Wanted } from './upstream.js';
export { fileBlob, fileRange } from './file-blob.js';
