/**
 * The Debian tools the oracle tests compare with (umoci, skopeo, buildah),
 * installed with apt-get when the tests run as root and they are missing;
 * otherwise the tests skip with the reason.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from '@elfkit/fixtures';

const attempted = new Set<string>();

/** The path of `cmd` after installing Debian package `pkg` if needed; or the reason it is not there. */
export function debTool(cmd: string, pkg = cmd): { path: string } | { reason: string } {
  let p = which(cmd);
  if (p) return { path: p };
  if (process.getuid?.() !== 0) return { reason: `${cmd} not installed and not root (apt-get install ${pkg})` };
  if (!attempted.has(pkg)) {
    attempted.add(pkg);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const lock = ['-o', 'DPkg::Lock::Timeout=600'];
    const up = spawnSync('apt-get', [...lock, 'update', '-qq'], { encoding: 'utf8', env });
    const r = spawnSync('apt-get', [...lock, 'install', '-y', '-qq', pkg], { encoding: 'utf8', env });
    if (up.status !== 0 || r.status !== 0) return { reason: `apt-get install ${pkg} failed: ${(r.stderr || up.stderr).trim().split('\n').pop()}` };
  }
  p = which(cmd);
  return p ? { path: p } : { reason: `${cmd} not found after apt-get install ${pkg}` };
}

/** Runs a command; throws with its stderr when it fails. */
export function mustRun(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** A directory tree as records (`type mode [target|sha256]`), as `treeRecords` gives for an image. */
export function diskRecords(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isSymbolicLink()) out.set(r, `symlink ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(r, `directory ${mode}`);
        walk(p, r);
      } else if (st.isFile()) out.set(r, `file ${mode} sha256:${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
      else if (st.isCharacterDevice()) out.set(r, `char ${mode}`);
      else if (st.isBlockDevice()) out.set(r, `block ${mode}`);
      else if (st.isFIFO()) out.set(r, `fifo ${mode}`);
      else out.set(r, `other ${mode}`);
    }
  };
  walk(root, '');
  return out;
}

/** The differences between two record maps, as lines (`path: a != b`). */
export function diffRecords(ours: Map<string, string>, theirs: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of theirs) if (ours.get(k) !== v) out.push(`${k}: elfkit ${ours.get(k) ?? '(missing)'} != ${v}`);
  for (const [k, v] of ours) if (!theirs.has(k)) out.push(`${k}: elfkit ${v} != (missing)`);
  return out;
}

/** cosign from Debian (sid, else trixie), fetched into .cache by scripts/fetch-deb.sh; or the reason it is not there. */
export function cosign(): { path: string } | { reason: string } {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  for (const suite of ['sid', 'trixie']) {
    const cached = join(root, '.cache', 'root', suite, 'usr', 'bin', 'cosign');
    if (existsSync(cached)) return { path: cached };
  }
  let last = '';
  for (const suite of ['sid', 'trixie']) {
    const r = spawnSync('bash', [join(root, 'scripts', 'fetch-deb.sh'), suite, 'cosign'], { encoding: 'utf8' });
    const dir = r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
    if (dir && existsSync(join(dir, 'usr', 'bin', 'cosign'))) return { path: join(dir, 'usr', 'bin', 'cosign') };
    last = r.stderr.trim().split('\n').pop() ?? '';
  }
  return { reason: `cannot fetch cosign from Debian sid or trixie: ${last}` };
}
