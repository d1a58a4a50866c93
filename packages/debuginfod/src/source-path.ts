/**
 * Source paths as the debuginfod protocol compares them: absolute, with
 * `.` and `..` segments removed as RFC 3986 §5.2.4 removes them (a `..`
 * never climbs above `/`) and runs of `/` collapsed — the same form for
 * the names read from DWARF and for the paths clients ask for.
 */
export function canonicalPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/**
 * The absolute path a `/buildid/ID/source/…` request names: its
 * percent-escapes decoded, then made canonical. Undefined for a path that
 * cannot be a file name (a bad escape, a NUL byte, not UTF-8).
 */
export function requestedSourcePath(rawPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  return canonicalPath('/' + decoded);
}

/** Whether canonical `path` lies at or under canonical directory `dir`. */
export function isUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir + '/');
}
