// The debuginfod client against misbehaving servers: tiny Node HTTP
// servers on 127.0.0.1 (ports the kernel picks, closed after each test)
// that hang, answer 404, serve another build, or close mid-transfer. What
// must hold: the right error, nothing partial or wrong left in the cache,
// the first good server wins and the others are cancelled.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureBytes } from '@elfkit/fixtures';
import { ElfFile } from '@elfkit/elf';
import { checkBuildId, isDebuginfodError, parseUrls, type DebuginfodClient, type DebuginfodErrorCode } from '@elfkit/symbolize';
import { nodeDebuginfod } from '@elfkit/symbolize/node';

const exe = fixtureBytes('c/gcc-stripped');
const debug = fixtureBytes('c/gcc-stripped.debug');
const other = fixtureBytes('c/gcc-O2');
const ID = ElfFile.parse(exe).buildId()!;
const OTHER_ID = ElfFile.parse(other).buildId()!;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Upstream {
  url: string;
  requests: { url: string; headers: IncomingMessage['headers'] }[];
  closed: number;
  server: Server;
}

const servers: Server[] = [];
const dirs: string[] = [];

async function upstream(handler: Handler): Promise<Upstream> {
  const u = { requests: [], closed: 0 } as unknown as Upstream;
  const server = createServer((req, res) => {
    u.requests.push({ url: req.url ?? '', headers: req.headers });
    res.on('close', () => {
      if (!res.writableFinished) u.closed++;
    });
    handler(req, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  u.server = server;
  u.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return u;
}

/** Serves `files` by request path; 404 for anything else. */
const serve =
  (files: Record<string, Uint8Array>): Handler =>
  (req, res) => {
    const f = files[req.url ?? ''];
    if (!f) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Length': f.length, 'X-DEBUGINFOD-SIZE': f.length, 'X-DEBUGINFOD-FILE': 'x' }).end(f);
  };

function cacheDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'elfkit-dicache-'));
  dirs.push(d);
  return d;
}

function client(urls: string[], cache: string, extra: Record<string, string> = {}): DebuginfodClient {
  return nodeDebuginfod({ env: { DEBUGINFOD_URLS: urls.join(' '), DEBUGINFOD_CACHE_PATH: cache, ...extra }, stderr: { write: () => true } });
}

async function failure(p: Promise<unknown>): Promise<DebuginfodErrorCode> {
  try {
    await p;
  } catch (e) {
    if (isDebuginfodError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a failure');
}

/** Every file below `dir`, relative, except the cache's settings. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      if (statSync(p).isDirectory()) walk(p, r);
      else if (!/_s$/.test(r)) out.push(r);
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out.sort();
}

test.after.each(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((ok) => s.close(ok));
  }
});
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('build ids: lowercase hex, whole bytes, at most 64 of them; bad ones never reach a server', async () => {
  for (const good of ['ab', ID, 'ab'.repeat(64)]) assert.is(checkBuildId(good), good);
  const u = await upstream(serve({}));
  const cache = cacheDir();
  const c = client([u.url], cache);
  for (const bad of [ID.toUpperCase(), 'abc', '', 'xyz0', 'ab'.repeat(65), '../etc', 'ab/cd']) {
    assert.is(await failure(c.find(bad, { kind: 'debuginfo' })), 'invalid-build-id', bad);
  }
  assert.is(await failure(c.find(ID, { kind: 'source', path: 'relative/x.c' })), 'invalid-name');
  assert.is(await failure(c.find(ID, { kind: 'section', name: '../x' })), 'invalid-name');
  assert.is(u.requests.length, 0, 'no request for a bad build id');
  assert.equal(files(cache), []);
});

test('DEBUGINFOD_URLS: space-separated, trailing slash dropped, each once', () => {
  assert.equal(parseUrls(' http://a/  http://b/x/ http://a\thttp://c '), ['http://a', 'http://b/x', 'http://c']);
});

test('a download: the file, the elfutils name and mode, the request headers (user agent, headers file, max size)', async () => {
  const u = await upstream(serve({ [`/buildid/${ID}/debuginfo`]: debug, [`/buildid/${ID}/source/src/a%20b%2Bc/x%23y.c`]: new TextEncoder().encode('int x;\n') }));
  const cache = cacheDir();
  const hdrs = join(cache, '..', `hdrs-${process.pid}`);
  writeFileSync(hdrs, 'Authorization: Bearer t0k3n\n\nnot a header\nX-Extra: 1\n');
  dirs.push(hdrs);
  const c = client([u.url], cache, { DEBUGINFOD_HEADERS_FILE: hdrs, DEBUGINFOD_MAXSIZE: '100000000' });
  const f = await c.find(ID, { kind: 'debuginfo' });
  assert.is(f.path, join(cache, ID, 'debuginfo'));
  assert.equal(new Uint8Array(readFileSync(f.path)), debug);
  assert.is(statSync(f.path).mode & 0o777, 0o400, 'read-only, as elfutils leaves it');
  const h = u.requests[0]!.headers;
  assert.is(h.authorization, 'Bearer t0k3n');
  assert.is(h['x-extra'], '1');
  assert.is(h['x-debuginfod-maxsize'], '100000000');
  assert.match(String(h['user-agent']), /^elfkit\/[^,]+,Linux\/\w+,/);
  const s = await c.find(ID, { kind: 'source', path: '/src/a b+c/x#y.c' });
  assert.is(s.path, join(cache, ID, 'source##src##a b+c##x#_y.c'));
  assert.is(u.requests.length, 2);
  await c.find(ID, { kind: 'debuginfo' });
  assert.is(u.requests.length, 2, 'a cached file is not asked for again');
  assert.equal(files(cache), [`${ID}/debuginfo`, `${ID}/source##src##a b+c##x#_y.c`]);
});

test('a section comes out of the cached debug file without a request', async () => {
  const u = await upstream(serve({ [`/buildid/${ID}/debuginfo`]: debug }));
  const cache = cacheDir();
  const c = client([u.url], cache);
  await c.find(ID, { kind: 'debuginfo' });
  const s = await c.find(ID, { kind: 'section', name: '.debug_line' });
  const elf = ElfFile.parse(debug);
  const sec = elf.section('.debug_line')!;
  assert.equal(new Uint8Array(readFileSync(s.path)), debug.subarray(sec.offset, sec.offset + sec.size));
  assert.is(u.requests.length, 1);
});

test('404 everywhere: an empty file remembers the miss for cache_miss_s, then it is asked again', async () => {
  const u = await upstream(serve({}));
  const cache = cacheDir();
  const c = client([u.url], cache);
  assert.is(await failure(c.find(ID, { kind: 'executable' })), 'not-found');
  assert.is(statSync(join(cache, ID, 'executable')).size, 0);
  assert.is(await failure(c.find(ID, { kind: 'executable' })), 'not-found');
  assert.is(u.requests.length, 1, 'the remembered miss is not asked again');
  assert.is(readFileSync(join(cache, 'cache_miss_s'), 'utf8'), '600');
  const old = Date.now() / 1000 - 601;
  utimesSync(join(cache, ID, 'executable'), old, old);
  assert.is(await failure(c.find(ID, { kind: 'executable' })), 'not-found');
  assert.is(u.requests.length, 2, 'an expired miss is asked again');
});

test('all servers at once: the first good answer wins, a hanging one is cancelled', async () => {
  const hang = await upstream(() => {});
  const miss = await upstream(serve({}));
  const good = await upstream(serve({ [`/buildid/${ID}/executable`]: exe }));
  const cache = cacheDir();
  const t0 = Date.now();
  const f = await client([hang.url, miss.url, good.url], cache).find(ID, { kind: 'executable' });
  assert.ok(Date.now() - t0 < 5000, 'not held up by the hanging server');
  assert.equal(new Uint8Array(readFileSync(f.path)), exe);
  assert.is(f.url, good.url + `/buildid/${ID}/executable`);
  assert.is(hang.requests.length, 1);
  await new Promise((ok) => setTimeout(ok, 100));
  assert.is(hang.closed, 1, 'the hanging request was aborted');
});

test('a server that hangs: DEBUGINFOD_TIMEOUT gives up, nothing cached, no miss remembered', async () => {
  const hang = await upstream(() => {});
  const cache = cacheDir();
  const t0 = Date.now();
  assert.is(await failure(client([hang.url], cache, { DEBUGINFOD_TIMEOUT: '1', DEBUGINFOD_RETRY_LIMIT: '0' }).find(ID, { kind: 'debuginfo' })), 'timeout');
  const took = Date.now() - t0;
  assert.ok(took >= 900 && took < 4000, `gave up after ${took} ms`);
  assert.equal(files(cache), []);
});

test('a server that trickles: DEBUGINFOD_MAXTIME ends the whole lookup', async () => {
  const slow = await upstream((_req, res) => {
    res.writeHead(200, { 'Content-Length': exe.length });
    let at = 0;
    const t = setInterval(() => {
      if (res.destroyed || at >= exe.length) return clearInterval(t);
      res.write(exe.subarray(at, at + 200));
      at += 200;
    }, 50);
  });
  const cache = cacheDir();
  const t0 = Date.now();
  assert.is(await failure(client([slow.url], cache, { DEBUGINFOD_MAXTIME: '1', DEBUGINFOD_RETRY_LIMIT: '3' }).find(ID, { kind: 'executable' })), 'timeout');
  assert.ok(Date.now() - t0 < 3000, 'no retries past the deadline');
  assert.equal(files(cache), []);
});

test('a file with another build id is refused and not cached; a second server with the right one is used', async () => {
  const wrong = await upstream(serve({ [`/buildid/${ID}/executable`]: other }));
  const cache = cacheDir();
  assert.is(await failure(client([wrong.url], cache).find(ID, { kind: 'executable' })), 'wrong-build-id');
  assert.equal(files(cache), [], 'no file and no remembered miss');
  const notElf = await upstream(serve({ [`/buildid/${ID}/debuginfo`]: new TextEncoder().encode('<html>login</html>') }));
  assert.is(await failure(client([notElf.url], cache).find(ID, { kind: 'debuginfo' })), 'wrong-build-id');
  assert.equal(files(cache), []);
  const good = await upstream(serve({ [`/buildid/${ID}/executable`]: exe }));
  const f = await client([wrong.url, good.url], cache).find(ID, { kind: 'executable' });
  assert.equal(new Uint8Array(readFileSync(f.path)), exe);
  assert.ok(OTHER_ID !== ID);
});

test('a disconnect mid-transfer leaves no partial file (with and without Content-Length)', async () => {
  for (const withLength of [true, false]) {
    const cut = await upstream((_req, res) => {
      res.writeHead(200, withLength ? { 'Content-Length': exe.length } : { 'X-DEBUGINFOD-SIZE': exe.length });
      res.write(exe.subarray(0, exe.length >> 1), () => res.destroy());
    });
    const cache = cacheDir();
    assert.is(await failure(client([cut.url], cache, { DEBUGINFOD_RETRY_LIMIT: '1' }).find(ID, { kind: 'executable' })), 'network');
    assert.is(cut.requests.length, 2, 'retried once (DEBUGINFOD_RETRY_LIMIT)');
    assert.equal(files(cache), [], `no partial or temporary file (Content-Length ${withLength})`);
  }
});

test('DEBUGINFOD_MAXSIZE: a larger file is refused before it is read, as is a 406', async () => {
  const big = await upstream(serve({ [`/buildid/${ID}/executable`]: exe }));
  const cache = cacheDir();
  assert.is(await failure(client([big.url], cache, { DEBUGINFOD_MAXSIZE: '1000' }).find(ID, { kind: 'executable' })), 'too-large');
  const refuse = await upstream((_req, res) => res.writeHead(406).end());
  assert.is(await failure(client([refuse.url], cache, { DEBUGINFOD_MAXSIZE: '1000' }).find(ID, { kind: 'executable' })), 'too-large');
  assert.equal(files(cache), []);
});

test('no servers: nothing asked, the cache not touched', async () => {
  const cache = cacheDir();
  assert.is(await failure(client([], cache).find(ID, { kind: 'debuginfo' })), 'no-servers');
  assert.equal(readdirSync(cache), []);
});

test('cleaning: after cache_clean_interval_s, files unused for max_unused_age_s go', async () => {
  const u = await upstream(serve({ [`/buildid/${ID}/executable`]: exe, [`/buildid/${ID}/debuginfo`]: debug }));
  const cache = cacheDir();
  await client([u.url], cache).find(ID, { kind: 'executable' });
  assert.is(readFileSync(join(cache, 'cache_clean_interval_s'), 'utf8'), '86400');
  const old = Date.now() / 1000 - 8 * 86400;
  utimesSync(join(cache, ID, 'executable'), old, old);
  utimesSync(join(cache, 'cache_clean_interval_s'), old, old);
  await client([u.url], cache).find(ID, { kind: 'debuginfo' });
  assert.equal(files(cache), [`${ID}/debuginfo`], 'the week-old executable was removed');
  assert.is(readFileSync(join(cache, 'max_unused_age_s'), 'utf8'), '604800');
});

test('DEBUGINFOD_PROGRESS and DEBUGINFOD_VERBOSE write to standard error: one progress line when it is not a terminal', async () => {
  const u = await upstream(serve({ [`/buildid/${ID}/executable`]: exe }));
  let err = '';
  const c = nodeDebuginfod({
    env: { DEBUGINFOD_URLS: u.url, DEBUGINFOD_CACHE_PATH: cacheDir(), DEBUGINFOD_PROGRESS: '1', DEBUGINFOD_VERBOSE: '1' },
    stderr: { write: (t: string) => (err += t), isTTY: false },
  });
  await c.find(ID, { kind: 'executable' });
  assert.is(err.match(/Downloading from/g)?.length, 1, err);
  assert.ok(err.includes(`\rDownloading from ${u.url}/ ${exe.length}/${exe.length}\n`), err);
  assert.match(err, /^committed to url 0$/m);
  assert.match(err, /^got file from server/m);
});

test.run();
