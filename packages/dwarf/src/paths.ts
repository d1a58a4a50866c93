/**
 * Joins path components as LLVM's `sys::path::append` does (POSIX style):
 * empty components are skipped, one `/` goes between components, and
 * leading slashes of a component are dropped when the path so far already
 * ends in one. No `.`/`..` normalization: the result is the path the
 * producer recorded, joined exactly once.
 */
export function joinPath(...parts: string[]): string {
  let out = '';
  for (const c of parts) {
    if (c === '') continue;
    if (out === '') {
      out = c;
      continue;
    }
    if (out.endsWith('/')) {
      let i = 0;
      while (i < c.length && c[i] === '/') i++;
      out += c.slice(i);
    } else if (c.startsWith('/')) out += c;
    else out += '/' + c;
  }
  return out;
}

/** True for a POSIX absolute path (or a Windows drive/UNC path, which producers also record). */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** The directory part of a POSIX path (`.` when there is none). */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

/** The last component of a POSIX path. */
export function basename(p: string): string {
  const s = p.endsWith('/') ? p.slice(0, -1) : p;
  return s.slice(s.lastIndexOf('/') + 1);
}
