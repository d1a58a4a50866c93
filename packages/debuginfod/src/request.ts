import { isBuildId } from './build-id.js';
import { requestedSourcePath } from './source-path.js';

/** A request the server understands. */
export type DebuginfodRequest =
  | { readonly kind: 'buildid'; readonly buildId: string; readonly type: 'debuginfo' | 'executable' }
  | { readonly kind: 'buildid'; readonly buildId: string; readonly type: 'source'; readonly path: string }
  | { readonly kind: 'buildid'; readonly buildId: string; readonly type: 'section'; readonly section: string }
  | { readonly kind: 'metrics' };

/** A request refused before any lookup: the status and a one-line reason. */
export interface RequestError {
  readonly kind: 'error';
  readonly status: number;
  readonly message: string;
}

/**
 * Parses the path of a request (`/buildid/ID/TYPE[/…]`, `/metrics`); the
 * query string is ignored. Malformed build ids (uppercase, odd length, not
 * hex) get 400, unknown paths 404.
 */
export function parseRequest(rawUrl: string): DebuginfodRequest | RequestError {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (path === '/metrics') return { kind: 'metrics' };
  const m = /^\/buildid\/([^/]*)\/(debuginfo|executable|source|section)(\/.*)?$/.exec(path);
  if (!m) return { kind: 'error', status: 404, message: 'unknown request: the server answers /buildid/ID/{debuginfo,executable,source/PATH,section/NAME} and /metrics' };
  const [, id, type, rest] = m;
  if (!isBuildId(id!)) return { kind: 'error', status: 400, message: 'malformed build id: lowercase hex digits, an even number of them' };
  if (type === 'debuginfo' || type === 'executable') {
    if (rest) return { kind: 'error', status: 404, message: `unknown request: nothing follows /${type}` };
    return { kind: 'buildid', buildId: id!, type };
  }
  if (!rest || rest === '/') return { kind: 'error', status: 400, message: `/${type} needs a ${type === 'source' ? 'path' : 'section name'}` };
  if (type === 'source') {
    const p = requestedSourcePath(rest);
    if (!p) return { kind: 'error', status: 400, message: 'malformed source path' };
    return { kind: 'buildid', buildId: id!, type: 'source', path: p };
  }
  let name: string;
  try {
    name = decodeURIComponent(rest.slice(1));
  } catch {
    return { kind: 'error', status: 400, message: 'malformed section name' };
  }
  if (name === '' || name.includes('/') || name.includes('\0')) return { kind: 'error', status: 400, message: 'malformed section name' };
  return { kind: 'buildid', buildId: id!, type: 'section', section: name };
}
