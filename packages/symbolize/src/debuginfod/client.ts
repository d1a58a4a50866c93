import type { ByteSource } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { cacheFileName, checkArtifact, checkBuildId, describeArtifact, requestPath, type DebuginfodArtifact } from './artifact.js';
import { CACHE_SETTINGS, cacheSetting, cleanCacheIfDue } from './cache-config.js';
import { DEBUGINFOD_DEFAULTS, type DebuginfodConfig } from './config.js';
import { DebuginfodError, type DebuginfodErrorCode } from './errors.js';
import type { CacheStore, CacheWriter } from './store.js';
import type { FetchFunction, FetchResponse } from './transport.js';

/** What a lookup found. */
export interface DebuginfodFile {
  /** Its path in the cache. */
  readonly path: string;
  readonly size: number;
  /** The server it came from; undefined when it was in the cache already. */
  readonly url?: string;
  /** The server's `X-DEBUGINFOD-*` response headers (when it came from a server). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a {@link DebuginfodClient} reaches the outside world. */
export interface DebuginfodClientOptions {
  readonly config: DebuginfodConfig;
  readonly fetch: FetchFunction;
  readonly store: CacheStore;
  /** Request headers sent to every server (the headers file's lines, a `User-Agent`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Download progress of the server committed to: bytes so far and the total when known. */
  readonly onProgress?: (url: string, received: number, total: number | undefined) => void;
  /** One line of what the client does (`DEBUGINFOD_VERBOSE`). */
  readonly onLog?: (line: string) => void;
  /** The clock (ms since the epoch; default Date.now). */
  readonly now?: () => number;
}

/** At least this many bytes must come in each `DEBUGINFOD_TIMEOUT` seconds (curl's low-speed limit, as elfutils sets it). */
const LOW_SPEED_BYTES = 100 * 1024;

/** One server's failure in one round of queries. */
interface Failure {
  readonly url: string;
  readonly code: DebuginfodErrorCode;
  readonly message: string;
  /** An HTTP status (a 404 is a miss to remember). */
  readonly status?: number;
  /** Cancelled because another server answered first: no verdict on this server. */
  readonly cancelled?: boolean;
}

/**
 * A debuginfod client (elfutils' libdebuginfod, in TypeScript): asks every
 * server of `DEBUGINFOD_URLS` at once, takes the first good answer and
 * cancels the rest, and keeps what it gets in a cache laid out as elfutils
 * lays it out, so gdb, debuginfod-find and elfkit share one. A download is
 * written to a temporary file, checked (an executable or debug file must
 * have the build id asked for) and only then renamed into place; a 404
 * from every server is remembered for `cache_miss_s` as an empty file.
 */
export class DebuginfodClient {
  private readonly pending = new Map<string, Promise<DebuginfodFile>>();
  private cleaned: Promise<void> | undefined;

  constructor(readonly options: DebuginfodClientOptions) {}

  /** True when there is a server to ask. */
  get enabled(): boolean {
    return this.options.config.urls.length > 0;
  }

  /**
   * The cached file for `artifact` of `buildId`, fetched when not cached.
   * Throws {@link DebuginfodError} with the reason when there is none.
   */
  find(buildId: string, artifact: DebuginfodArtifact): Promise<DebuginfodFile> {
    try {
      checkBuildId(buildId);
      checkArtifact(artifact);
    } catch (e) {
      return Promise.reject(e);
    }
    const name = `${buildId}/${cacheFileName(artifact)}`;
    let p = this.pending.get(name);
    if (!p) {
      p = this.lookup(buildId, artifact, name).finally(() => this.pending.delete(name));
      this.pending.set(name, p);
    }
    return p;
  }

  private log(line: string): void {
    this.options.onLog?.(line);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async lookup(buildId: string, artifact: DebuginfodArtifact, name: string): Promise<DebuginfodFile> {
    const { config, store } = this.options;
    this.log(`debuginfod_find_${artifact.kind} ${buildId}${artifact.kind === 'source' ? ` ${artifact.path}` : artifact.kind === 'section' ? ` ${artifact.name}` : ''}`);
    this.log(`server urls "${config.urls.join(' ')}"`);
    // As elfutils: with no server to ask, the cache is not even looked at.
    if (!config.urls.length) throw new DebuginfodError('no-servers', 'no debuginfod servers (DEBUGINFOD_URLS is empty)');
    try {
      this.cleaned ??= cleanCacheIfDue(store, this.now());
      await this.cleaned;
    } catch (e) {
      throw new DebuginfodError('cache', `cannot use the cache ${store.pathOf('')}: ${(e as Error).message}`);
    }
    this.log(`checking cache ${store.pathOf(name)}`);
    const st = await store.stat(name);
    if (st && st.size > 0) {
      this.log(`found ${store.pathOf(name)} (cached)`);
      return { path: store.pathOf(name), size: st.size };
    }
    if (st) {
      const missS = await cacheSetting(store, CACHE_SETTINGS.cacheMiss, DEBUGINFOD_DEFAULTS.cacheMissS);
      if (this.now() - st.mtimeMs <= missS * 1000) {
        this.log(`remembered miss, ${Math.round((this.now() - st.mtimeMs) / 1000)}s old (cache_miss_s ${missS})`);
        throw new DebuginfodError('not-found', `${buildId} ${describeArtifact(artifact)}: not found (a remembered miss, for ${missS}s)`);
      }
      await store.remove(name);
    }
    if (artifact.kind === 'section') {
      const local = await this.sectionFromCache(buildId, artifact.name, name);
      if (local) return local;
    }
    return this.download(buildId, artifact, name);
  }

  /** A section cut out of the debug file or executable already in the cache (no request), as elfutils does. */
  private async sectionFromCache(buildId: string, section: string, name: string): Promise<DebuginfodFile | undefined> {
    const { store } = this.options;
    for (const kind of ['debuginfo', 'executable'] as const) {
      const st = await store.stat(`${buildId}/${kind}`);
      if (!st || st.size === 0) continue;
      const src = await store.open(`${buildId}/${kind}`);
      if (!src) continue;
      let bytes: Uint8Array | undefined;
      try {
        const elf = ElfFile.parse(src);
        const s = elf.section(section);
        if (s && s.type !== C.SHT_NOBITS) bytes = src.read(s.offset, s.size).slice();
      } catch {
        bytes = undefined;
      } finally {
        (src as { close?: () => void }).close?.();
      }
      if (!bytes) continue;
      const w = await store.create(name);
      try {
        await w.write(bytes);
        await w.finish();
        const path = await w.commit();
        this.log(`extracted ${section} from the cached ${kind}`);
        return { path, size: bytes.length };
      } catch (e) {
        await w.drop();
        throw new DebuginfodError('cache', `cannot write ${store.pathOf(name)}: ${(e as Error).message}`);
      }
    }
    return undefined;
  }

  private async download(buildId: string, artifact: DebuginfodArtifact, name: string): Promise<DebuginfodFile> {
    const { config, store } = this.options;
    let urls = [...config.urls];
    let retries = config.retryLimit;
    const deadline = config.maxTimeS > 0 ? this.now() + config.maxTimeS * 1000 : undefined;
    const rejected: Failure[] = [];
    for (;;) {
      const round = await this.queryAll(buildId, artifact, name, urls, deadline);
      if ('file' in round) return round.file;
      const failures = round.failures;
      // A server whose file was wrong is not asked again; the others may have the right one.
      const wrong = failures.filter((f) => f.code === 'wrong-build-id');
      rejected.push(...wrong);
      const rest = urls.filter((u) => !wrong.some((w) => w.url.startsWith(`${u}/buildid/`)));
      if (wrong.length && rest.length && rest.length < urls.length) {
        urls = rest;
        continue;
      }
      const all = [...rejected, ...failures.filter((f) => f.code !== 'wrong-build-id')];
      const pick = (code: DebuginfodErrorCode) => all.find((f) => f.code === code);
      const worst = pick('too-large') ?? pick('wrong-build-id') ?? pick('timeout') ?? pick('network') ?? pick('cache') ?? all[0];
      if (all.every((f) => f.code === 'not-found')) {
        // Every server said no: remember it, as elfutils does, for cache_miss_s.
        try {
          await store.writeText(name, '', { exclusive: true });
        } catch {
          // a miss that cannot be remembered is still a miss
        }
        this.log(`not found; remembered in ${store.pathOf(name)}`);
        throw new DebuginfodError('not-found', `${buildId} ${describeArtifact(artifact)}: not found on ${urls.length === 1 ? urls[0] : `any of ${urls.length} servers`}${all[0]?.status ? ` (HTTP ${all[0].status})` : ''}`);
      }
      const retryable = worst && (worst.code === 'network' || worst.code === 'timeout') && !(deadline && this.now() >= deadline);
      if (retryable && retries-- > 0) {
        this.log(`retry failed query, ${retries} attempt(s) remaining`);
        continue;
      }
      throw new DebuginfodError(worst?.code ?? 'network', `${buildId} ${describeArtifact(artifact)}: ${worst?.message ?? 'failed'}`, worst?.url);
    }
  }

  /**
   * One round: every server asked at once; the first 200 is committed to
   * and the others are cancelled. Gives the file, or every server's failure.
   */
  private async queryAll(
    buildId: string,
    artifact: DebuginfodArtifact,
    name: string,
    urls: readonly string[],
    deadline: number | undefined,
  ): Promise<{ file: DebuginfodFile } | { failures: Failure[] }> {
    const { config } = this.options;
    const headers: Record<string, string> = { ...this.options.headers };
    if (config.maxSize > 0) headers['X-DEBUGINFOD-MAXSIZE'] = String(config.maxSize);
    const controllers = urls.map(() => new AbortController());
    const reasons: (DebuginfodErrorCode | undefined)[] = urls.map(() => undefined);
    const cancelled = urls.map(() => false);
    let committed = -1;
    const abortOthers = (winner: number) => {
      controllers.forEach((c, i) => {
        if (i === winner) return;
        cancelled[i] = true;
        c.abort();
      });
    };
    const maxTimer =
      deadline !== undefined
        ? setTimeout(
            () => {
              controllers.forEach((c, i) => {
                reasons[i] ??= 'timeout';
                c.abort();
              });
            },
            Math.max(0, deadline - this.now()),
          )
        : undefined;
    this.log(`query ${urls.length} urls in parallel`);
    try {
      const outcomes = await Promise.all(
        urls.map(async (base, i): Promise<DebuginfodFile | Failure> => {
          const url = `${base}/${requestPath(buildId, artifact)}`;
          this.log(`url ${i} ${url}`);
          const ctl = controllers[i]!;
          const watch = new LowSpeedWatch(config.timeoutS, () => {
            reasons[i] ??= 'timeout';
            ctl.abort();
          });
          try {
            let res: FetchResponse;
            try {
              res = await this.options.fetch(url, { headers, signal: ctl.signal, redirect: 'follow' });
            } catch (e) {
              return cancelled[i] ? { url, code: 'network', message: 'cancelled', cancelled: true } : this.failure(url, reasons[i], e, config);
            }
            if (res.status !== 200) {
              discard(res.body);
              const code: DebuginfodErrorCode = res.status === 406 ? 'too-large' : 'not-found';
              return { url, code, status: res.status, message: res.status === 406 ? `${url}: larger than DEBUGINFOD_MAXSIZE (HTTP 406)` : `${url}: HTTP ${res.status}` };
            }
            if (committed >= 0) {
              discard(res.body);
              return { url, code: 'network', message: 'cancelled', cancelled: true };
            }
            committed = i;
            abortOthers(i);
            this.log(`committed to url ${i}`);
            return await this.receive(url, res, buildId, artifact, name, watch, () => reasons[i], ctl);
          } finally {
            watch.stop();
          }
        }),
      );
      const file = outcomes.find((o): o is DebuginfodFile => 'path' in o);
      if (file) return { file };
      return { failures: outcomes.filter((o): o is Failure => !('path' in o) && !o.cancelled) };
    } finally {
      if (maxTimer !== undefined) clearTimeout(maxTimer);
    }
  }

  private failure(url: string, reason: DebuginfodErrorCode | undefined, e: unknown, config: DebuginfodConfig): Failure {
    if (reason === 'timeout') return { url, code: 'timeout', message: `${url}: timed out (DEBUGINFOD_TIMEOUT ${config.timeoutS}s${config.maxTimeS ? `, DEBUGINFOD_MAXTIME ${config.maxTimeS}s` : ''})` };
    if (reason) return { url, code: reason, message: `${url}: ${(e as Error).message}` };
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.cause?.code ?? err.cause?.message ?? err.message;
    return { url, code: 'network', message: `${url}: ${why}` };
  }

  /** Streams the committed server's body into the cache through a temporary file; checks size and build id. */
  private async receive(
    url: string,
    res: FetchResponse,
    buildId: string,
    artifact: DebuginfodArtifact,
    name: string,
    watch: LowSpeedWatch,
    reason: () => DebuginfodErrorCode | undefined,
    ctl: AbortController,
  ): Promise<DebuginfodFile | Failure> {
    const { config, store } = this.options;
    const xHeaders: Record<string, string> = {};
    for (const h of ['X-DEBUGINFOD-SIZE', 'X-DEBUGINFOD-FILE', 'X-DEBUGINFOD-ARCHIVE']) {
      const v = res.headers.get(h);
      if (v !== null) xHeaders[h] = v;
    }
    for (const [k, v] of Object.entries(xHeaders)) this.log(`header ${k}: ${v}`);
    const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const length = encoded ? undefined : numberOr(res.headers.get('content-length'));
    const declared = numberOr(xHeaders['X-DEBUGINFOD-SIZE'] ?? null);
    const total = length ?? declared;
    if (config.maxSize > 0 && total !== undefined && total > config.maxSize) {
      ctl.abort();
      return { url, code: 'too-large', message: `${url}: ${total} bytes, more than DEBUGINFOD_MAXSIZE ${config.maxSize}` };
    }
    let w: CacheWriter;
    try {
      w = await store.create(name);
    } catch (e) {
      ctl.abort();
      return { url, code: 'cache', message: `cannot write ${store.pathOf(name)}: ${(e as Error).message}` };
    }
    let received = 0;
    try {
      for await (const value of chunks(res.body)) {
        received += value.length;
        watch.add(value.length);
        if (config.maxSize > 0 && received > config.maxSize) {
          ctl.abort();
          await w.drop();
          return { url, code: 'too-large', message: `${url}: more than DEBUGINFOD_MAXSIZE ${config.maxSize} bytes` };
        }
        await w.write(value);
        this.options.onProgress?.(url, received, total);
      }
      const expected = length ?? (encoded ? undefined : declared);
      if (expected !== undefined && received !== expected) {
        await w.drop();
        return { url, code: 'network', message: `${url}: the connection closed after ${received} of ${expected} bytes` };
      }
      const source = await w.finish();
      if (artifact.kind === 'debuginfo' || artifact.kind === 'executable') {
        const found = buildIdOf(source);
        if (found !== buildId) {
          await w.drop();
          return {
            url,
            code: 'wrong-build-id',
            message: `${url}: the server's ${artifact.kind} ${found === undefined ? 'is no ELF file with a build id' : `has build id ${found}`}, not ${buildId}`,
          };
        }
      }
      const mtime = Date.parse(res.headers.get('last-modified') ?? '');
      const path = await w.commit(Number.isFinite(mtime) ? mtime : undefined);
      this.log(`got file from server (${received} bytes), found ${path}`);
      return { path, size: received, url, headers: xHeaders };
    } catch (e) {
      await w.drop();
      return this.failure(url, reason(), e, config);
    }
  }
}

/** The chunks of a response body: a WHATWG stream read through its reader (browsers cannot iterate one), or an async iterable. */
async function* chunks(body: FetchResponse['body']): AsyncGenerator<Uint8Array> {
  if (!body) return;
  if (!('getReader' in body)) {
    yield* body;
    return;
  }
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Drops a body not wanted (a losing server's, an error page). */
function discard(body: FetchResponse['body']): void {
  if (!body) return;
  if ('cancel' in body) void body.cancel().catch(() => {});
  else (body as { destroy?: () => void }).destroy?.();
}

/** The GNU build id of an ELF file, or undefined when it is not ELF or has none. */
function buildIdOf(source: ByteSource): string | undefined {
  try {
    return ElfFile.parse(source).buildId()?.toLowerCase();
  } catch {
    return undefined;
  }
}

function numberOr(v: string | null): number | undefined {
  if (v === null || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

/**
 * curl's low-speed limit as elfutils sets it: a server that delivers less
 * than 100 KiB in `timeoutS` seconds (waiting for the answer included) is
 * given up on.
 */
class LowSpeedWatch {
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly timeoutS: number,
    private readonly onSlow: () => void,
  ) {
    if (timeoutS > 0) this.arm();
  }

  add(n: number): void {
    this.bytes += n;
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      if (this.bytes < LOW_SPEED_BYTES) {
        this.timer = undefined;
        this.onSlow();
        return;
      }
      this.bytes = 0;
      this.arm();
    }, this.timeoutS * 1000);
  }
}
