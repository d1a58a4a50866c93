import { DebuginfodError } from './errors.js';

/** What a debuginfod server is asked for about one build id. */
export type DebuginfodArtifact =
  | { readonly kind: 'debuginfo' }
  | { readonly kind: 'executable' }
  /** A source file by the absolute path the DWARF names (`comp_dir` joined with the file name). */
  | { readonly kind: 'source'; readonly path: string }
  /** The raw bytes of one section (the debug file's, else the executable's). */
  | { readonly kind: 'section'; readonly name: string };

const BUILD_ID = /^(?:[0-9a-f]{2}){1,64}$/;

/**
 * Checks a build id as debuginfod servers want it: lowercase hex, whole
 * bytes, at most 64 of them (elfutils' MAX_BUILD_ID_BYTES). An uppercase id
 * is refused rather than sent (servers answer it with 503).
 */
export function checkBuildId(buildId: string): string {
  if (!BUILD_ID.test(buildId)) {
    const why = /^[0-9a-fA-F]+$/.test(buildId) && buildId.length % 2 === 0 && buildId.length <= 128 ? 'build ids are lowercase hex' : 'a build id is 2 to 128 hex digits, whole bytes';
    throw new DebuginfodError('invalid-build-id', `invalid build id '${buildId.length > 140 ? buildId.slice(0, 140) + '…' : buildId}': ${why}`);
  }
  return buildId;
}

/** Checks a source path or section name; throws `invalid-name`. */
export function checkArtifact(a: DebuginfodArtifact): DebuginfodArtifact {
  if (a.kind === 'source' && (!a.path.startsWith('/') || a.path.includes('\0'))) {
    throw new DebuginfodError('invalid-name', `source path '${a.path}' is not absolute`);
  }
  if (a.kind === 'section' && (a.name === '' || a.name.includes('/') || a.name.includes('\0'))) {
    throw new DebuginfodError('invalid-name', `section name '${a.name}' is empty or has a '/'`);
  }
  return a;
}

/**
 * The name of an artifact's file in the cache, below its build id's
 * directory, as elfutils' client names it (so gdb, debuginfod-find and
 * elfkit share one cache): `debuginfo`, `executable`, `section-NAME`, and
 * `source` followed by the path with each `/` written `##` and each `#`
 * written `#_` (no path can climb out of the directory, and `/#` and `#/`
 * do not collide).
 */
export function cacheFileName(a: DebuginfodArtifact): string {
  switch (a.kind) {
    case 'debuginfo':
    case 'executable':
      return a.kind;
    case 'section':
      return `section-${escapeName(a.name)}`;
    case 'source':
      return `source${escapeName(a.path)}`;
  }
}

function escapeName(s: string): string {
  return s.replace(/[/#]/g, (c) => (c === '/' ? '##' : '#_'));
}

/**
 * The request path below a server's URL: `buildid/ID/KIND[/NAME]`. Source
 * paths are percent-escaped except for `/`, as elfutils' client escapes them
 * (curl_easy_escape, then `%2F` back to `/`).
 */
export function requestPath(buildId: string, a: DebuginfodArtifact): string {
  switch (a.kind) {
    case 'debuginfo':
    case 'executable':
      return `buildid/${buildId}/${a.kind}`;
    case 'section':
      return `buildid/${buildId}/section/${escapeUrl(a.name)}`;
    case 'source':
      return `buildid/${buildId}/source/${escapeUrl(a.path.slice(1))}`;
  }
}

/** curl_easy_escape: everything but ALPHA, DIGIT and `-._~` as %XX of its UTF-8 bytes; `/` kept. */
function escapeUrl(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~/]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A short text for messages: `debuginfo`, `source /a/b.c`, `section .debug_line`. */
export function describeArtifact(a: DebuginfodArtifact): string {
  return a.kind === 'source' ? `source ${a.path}` : a.kind === 'section' ? `section ${a.name}` : a.kind;
}
