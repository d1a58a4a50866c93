import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FileSource } from '@elfkit/symbolize/node';
import { ElfFile } from '@elfkit/elf';
import type { Blob } from '../blob.js';
import type { DebuginfodRequest } from '../request.js';
import { fileBlob } from './file-blob.js';

// node:fs/promises when an upstream is first asked, not at import: it loads readline, the file watchers and the
// directory streams with it (~0.7 ms of every `debuginfod serve` start, most of which never ask an upstream).
const fsPromises = () => process.getBuiltinModule('node:fs/promises');

/** How the server asks other servers (federation). */
export interface UpstreamOptions {
  /** Base URLs (`DEBUGINFOD_URLS`, space-separated there). */
  readonly urls: readonly string[];
  /** Where answers are kept, laid out as elfutils' client cache (`ID/debuginfo`, `ID/section-NAME`, `ID/source##a##b.c`). */
  readonly cacheDir: string;
  /** Give up on an upstream that sends nothing for this long (ms, default 30 s). */
  readonly timeoutMs?: number;
  /** Largest answer accepted (bytes, default 4 GiB). */
  readonly maxSize?: number;
  /** How long a miss is remembered (ms, default 60 s). */
  readonly missMs?: number;
}

/** A request for a file by build id: what is forwarded upstream and cached. */
export type Wanted = Extract<DebuginfodRequest, { kind: 'buildid' }>;

/** Why an upstream's answer was refused (for the log and metrics). */
export class UpstreamRefused extends Error {}

function cacheName(r: Wanted): string {
  // As libdebuginfod 0.188 names it (checked with debuginfod-find): every `/` becomes `##`.
  if (r.type === 'source') return 'source' + r.path.replace(/\//g, '##');
  if (r.type === 'section') return 'section-' + r.section;
  return r.type;
}

function urlPath(r: Wanted): string {
  const base = `/buildid/${r.buildId}/${r.type}`;
  if (r.type === 'source') return base + r.path.split('/').map(encodeURIComponent).join('/');
  if (r.type === 'section') return `${base}/${encodeURIComponent(r.section)}`;
  return base;
}

/**
 * Misses forwarded to upstream servers, all asked at once; the first good
 * answer wins and the others are cancelled. An answer is written to a
 * temporary file in the cache, checked — an executable or debug file must
 * carry the build id asked for, every answer must be as long as the
 * server said — and only then renamed into place, so the cache never holds
 * a partial or wrong file. Concurrent misses for one file share one fetch.
 */
export class Upstreams {
  private readonly inflight = new Map<string, Promise<Blob | undefined>>();
  private readonly misses = new Map<string, number>();
  private readonly urls: string[];
  private readonly timeoutMs: number;
  private readonly maxSize: number;
  private readonly missMs: number;
  /** Refused answers, by reason (metrics). */
  readonly refused: string[] = [];

  constructor(private readonly options: UpstreamOptions) {
    this.urls = options.urls.map((u) => u.replace(/\/+$/, '')).filter((u) => /^https?:\/\//.test(u));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxSize = options.maxSize ?? 4 * 1024 ** 3;
    this.missMs = options.missMs ?? 60_000;
  }

  /** Whether any upstream server is configured. */
  get enabled(): boolean {
    return this.urls.length > 0;
  }

  /** The cached answer for a request, if one was fetched before. */
  cached(r: Wanted): Blob | undefined {
    const p = join(this.options.cacheDir, r.buildId, cacheName(r));
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st || !st.isFile() || st.size === 0) return undefined;
    return fileBlob(p, st.size, st.mtimeMs);
  }

  /** Asks the upstreams (once per file at a time); undefined when none has it. */
  fetch(r: Wanted, ttl: number): Promise<Blob | undefined> {
    const key = `${r.buildId}/${cacheName(r)}`;
    const hit = this.cached(r);
    if (hit) return Promise.resolve(hit);
    const missUntil = this.misses.get(key);
    if (missUntil !== undefined) {
      if (missUntil > Date.now()) return Promise.resolve(undefined);
      this.misses.delete(key);
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetchAll(r, ttl).finally(() => this.inflight.delete(key));
      p.then((b) => {
        if (!b) this.misses.set(key, Date.now() + this.missMs);
      }, () => {});
      this.inflight.set(key, p);
    }
    return p;
  }

  private async fetchAll(r: Wanted, ttl: number): Promise<Blob | undefined> {
    if (!this.enabled) return undefined;
    const controllers = this.urls.map(() => new AbortController());
    try {
      return await Promise.any(this.urls.map((u, i) => this.fetchOne(u, r, ttl, controllers[i]!)));
    } catch {
      return undefined;
    } finally {
      for (const c of controllers) c.abort();
    }
  }

  private async fetchOne(base: string, r: Wanted, ttl: number, ctl: AbortController): Promise<Blob> {
    let timer: NodeJS.Timeout | undefined;
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ctl.abort(new Error('upstream timed out')), this.timeoutMs);
    };
    idle();
    const dir = join(this.options.cacheDir, r.buildId);
    const final = join(dir, cacheName(r));
    // node:crypto on first use: a server with no upstream, or whose upstream never misses, needs none of it.
    const tmp = join(dir, `.tmp-${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}`);
    let written = false;
    try {
      const res = await fetch(base + urlPath(r), { signal: ctl.signal, headers: { 'user-agent': 'elfkit-debuginfod', 'x-forwarded-ttl': String(ttl + 1) } });
      if (res.status !== 200 || !res.body) {
        await res.body?.cancel().catch(() => {});
        throw new UpstreamRefused(`${base}: ${res.status}`);
      }
      const declared = Number(res.headers.get('x-debuginfod-size') ?? res.headers.get('content-length') ?? NaN);
      if (declared > this.maxSize) throw new UpstreamRefused(`${base}: ${declared} bytes is over the limit`);
      mkdirSync(dir, { recursive: true });
      const fh = await fsPromises().open(tmp, 'wx', 0o600);
      written = true;
      let size = 0;
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          idle();
          size += chunk.length;
          if (size > this.maxSize) throw new UpstreamRefused(`${base}: answer is over the ${this.maxSize}-byte limit`);
          await fh.write(chunk);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (Number.isFinite(declared) && declared !== size) throw new UpstreamRefused(`${base}: sent ${size} bytes, announced ${declared}`);
      if (r.type === 'debuginfo' || r.type === 'executable') {
        const got = buildIdOf(tmp);
        if (got !== r.buildId) throw new UpstreamRefused(`${base}: answer has build id ${got ?? '(none)'}, not ${r.buildId}`);
      }
      await fsPromises().rename(tmp, final);
      written = false;
      const st = statSync(final);
      return { ...fileBlob(final, st.size, st.mtimeMs), file: res.headers.get('x-debuginfod-file') ?? final };
    } catch (e) {
      if (e instanceof UpstreamRefused) this.refused.push(e.message);
      throw e;
    } finally {
      clearTimeout(timer);
      if (written) await fsPromises().unlink(tmp).catch(() => {});
    }
  }
}

function buildIdOf(path: string): string | undefined {
  let src: FileSource | undefined;
  try {
    src = new FileSource(path);
    return ElfFile.parse(src).buildId()?.toLowerCase();
  } catch {
    return undefined;
  } finally {
    src?.close();
  }
}
