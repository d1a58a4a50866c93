import { existsSync } from 'node:fs';
import type { Platform } from '@elfkit/image';
import { nodeImageHost, openImageFile, type OpenedImageFile } from '@elfkit/image/node';
import { gunzipHere } from './gunzip-here.js';

/**
 * Whether this machine stores numbers little-endian (what os.endianness()
 * answers), read from a typed array: node:os is not loaded for it.
 */
function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** The machine's platform, preferred when an index holds several and none is asked for. */
export function hostPlatform(): Platform {
  const arch: Record<string, Platform['architecture']> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', s390x: 's390x', ppc64: littleEndian() ? 'ppc64le' : 'ppc64', riscv64: 'riscv64', loong64: 'loong64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

/**
 * Splits `path[:tag]` or `path@sha256:…` (skopeo's `oci:` reference
 * syntax, without the transport) when the whole string is not a file.
 */
export function splitImageRef(ref: string): { path: string; ref?: string } {
  if (existsSync(ref)) return { path: ref };
  const at = ref.lastIndexOf('@');
  if (at > 0 && existsSync(ref.slice(0, at))) return { path: ref.slice(0, at), ref: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  if (colon > 0 && existsSync(ref.slice(0, colon))) return { path: ref.slice(0, colon), ref: ref.slice(colon + 1) };
  return { path: ref };
}

/** Opens `ref` (a layout directory or image archive, with an optional `:tag` or `@digest`), preferring this machine's platform. */
export async function openCliImage(ref: string, options: { platform?: string; tag?: string }): Promise<OpenedImageFile> {
  const { path, ref: fromPath } = splitImageRef(ref);
  return openImageFile(path, { platform: options.platform, ref: options.tag ?? fromPath, preferPlatform: hostPlatform(), host: nodeImageHost({ gunzipHere }) });
}

/** The options every image command takes. */
export const imageOptions = {
  platform: { type: 'string', describe: 'os/arch[/variant] of the image to read from an index (default: the only one, else this machine\'s)' },
  tag: { type: 'string', describe: 'the tag or manifest digest to read when the file holds several images (or IMAGE:TAG)' },
} as const;
