/**
 * A remote or CI URL without credentials: the user and password of
 * `scheme://user:pass@host/…` and any query string or fragment (tokens
 * travel there too) are removed. scp-style `git@host:org/repo` keeps its
 * user, which names an account, not a secret.
 */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?([^?#]*)(?:[?#].*)?$/i.exec(url.trim());
  if (m) return m[1]! + m[3]!;
  const scp = /^([^@/:]+@)?([^:/]+):(.*)$/.exec(url.trim());
  if (scp) return `${scp[1] ?? ''}${scp[2]}:${scp[3]!.replace(/[?#].*$/, '')}`;
  return url.trim();
}
