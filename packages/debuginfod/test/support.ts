/**
 * Shared pieces of the debuginfod tests: the served tree built from the
 * fixtures, servers (ours and elfutils') started on ports the test picks
 * and stopped by pid — also when a test fails or the process exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { fixturePath, fixtures, repoRoot, which } from '@elfkit/fixtures';
import { tarBytes, type TarWriteEntry } from '@elfkit/image';

export const elfkitBin = join(repoRoot, 'packages', 'cli', 'dist', 'elfkit.mjs');
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) if (c.pid) try { process.kill(c.pid, 'SIGKILL'); } catch {}
});

/** A port free on 127.0.0.1 now (the OS picks it; the test then hands it to the server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A Debian tool, installed with apt-get when missing and running as root; else the reason it is absent. */
const tried = new Set<string>();
export function debTool(cmd: string, pkg: string): string | { reason: string } {
  let p = which(cmd);
  if (p) return p;
  if (process.getuid?.() !== 0) return { reason: `${cmd} not installed and not root (apt-get install ${pkg})` };
  if (!tried.has(pkg)) {
    tried.add(pkg);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const lock = ['-o', 'DPkg::Lock::Timeout=600'];
    spawnSync('apt-get', [...lock, 'update', '-qq'], { env });
    spawnSync('apt-get', [...lock, 'install', '-y', '-qq', pkg], { env });
  }
  p = which(cmd);
  return p ?? { reason: `${cmd} not found after apt-get install ${pkg}` };
}

/** A server process on 127.0.0.1:port. */
export interface Running {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

async function metrics(url: string): Promise<string | undefined> {
  try {
    const r = await fetch(url + '/metrics');
    return r.ok ? await r.text() : undefined;
  } catch {
    return undefined;
  }
}

/** Starts `cmd` and waits until its /metrics says the scan is done (both servers say it the same way). */
export async function startServer(cmd: string, args: string[], port: number, env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBUGINFOD_URLS: '', ...env } });
  live.add(child);
  // A server a failed test leaves behind must not keep the test process alive: the exit hook kills it.
  child.unref();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const t = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5000);
      await new Promise((r) => child.once('exit', r));
      clearTimeout(t);
    }
    live.delete(child);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited (${child.exitCode}): ${err}`);
    const m = await metrics(url);
    // elfutils reports the traversal and the scan queue; both at 0 with the traversal done means indexed.
    if (m && !/thread_work_pending\{role="scan"\} [1-9]/.test(m) && /thread_work_(pending\{role="scan"\} 0|total\{role="traverse"\})/.test(m) && (!/role="traverse"/.test(m) || /thread_work_total\{role="traverse"\} [1-9]/.test(m)) && !/thread_busy\{role="(scan|traverse)"\} [1-9]/.test(m)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${cmd} not ready after 60 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid!, child, stderr: () => err, stop };
}

/** `elfkit debuginfod serve PATHS --port P -t 0`. */
export async function startElfkit(paths: string[], extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const port = await freePort();
  return startServer(process.execPath, [elfkitBin, 'debuginfod', 'serve', ...paths, '--port', String(port), '-t', '0', ...extra], port, env);
}

/** elfutils' `debuginfod -F -Z .tar=cat -Z .tar.gz=zcat` on a temporary database. */
export async function startElfutils(bin: string, paths: string[], work: string, env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const port = await freePort();
  const db = join(work, `db-${port}.sqlite`);
  return startServer(bin, ['-F', '-Z', '.tar=cat', '-Z', '.tar.gz=zcat', '-d', db, '-p', String(port), '-t', '0', '-g', '0', ...paths], port, env);
}

export function tempDir(prefix = 'elfkit-debuginfod-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The GNU build id of an ELF file, with readelf (an oracle independent of ours). */
export function readelfBuildId(path: string): string | undefined {
  const r = spawnSync('readelf', ['-n', path], { encoding: 'utf8' });
  return /Build ID: ([0-9a-f]+)/.exec(r.stdout ?? '')?.[1];
}

/** The C fixtures' sources, where their DWARF says they are (`/elfkit/fixtures/src/c`). */
export const SOURCE_DIR = '/elfkit/fixtures/src/c';

/**
 * The served tree: every x86-64 C and C++ fixture (plain files), and the
 * fixture sources laid out under the tree as the DWARF paths name them
 * (`TREE/elfkit/fixtures/src/c/main.c`).
 */
export function servedTree(root: string): { files: string[] } {
  const files: string[] = [];
  for (const f of fixtures()) {
    if (!/^(c|cpp)\//.test(f.path) || f.path.includes('/debug/') || f.path.endsWith('.dwo') || f.path.endsWith('.dwp')) continue;
    const out = join(root, 'bin', f.path.replace(/\.gz$/, '').replace(/\//g, '-'));
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(fixturePath(f), out);
    files.push(out);
  }
  cpSync(join(repoRoot, 'fixtures', 'src'), join(root, 'elfkit', 'fixtures', 'src'), { recursive: true });
  return { files };
}

/** A tar of files (path in the archive → bytes). */
export function tarOf(files: Record<string, Uint8Array>): Uint8Array {
  const entries: TarWriteEntry[] = Object.entries(files).map(([path, data]) => ({ path, data, mode: 0o755 }) as TarWriteEntry);
  return tarBytes(entries);
}

/** An OCI image layout with one gzip layer holding `files`. */
export function ociLayout(dir: string, files: Record<string, Uint8Array>): void {
  const tar = tarOf(files);
  const layer = gzipSync(tar);
  const blob = (b: Uint8Array) => {
    const hex = sha256(b);
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'blobs', 'sha256', hex), b);
    return { digest: 'sha256:' + hex, size: b.length };
  };
  const l = blob(layer);
  const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['sha256:' + sha256(tar)] } })));
  const manifest = blob(
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l }] })),
  );
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, platform: { os: 'linux', architecture: 'amd64' } }] }));
}

export const bytes = (p: string) => new Uint8Array(readFileSync(p));
export const rm = (p: string) => rmSync(p, { recursive: true, force: true });
