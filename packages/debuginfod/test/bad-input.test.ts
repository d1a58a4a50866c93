/**
 * Hostile and unlucky clients and upstreams: malformed build ids,
 * traversal in source paths (plain, percent-encoded, through symlinks),
 * huge headers, slow clients, clients that stop reading or go away
 * mid-transfer, upstreams that hang, lie or break off — each gets the
 * right status, nothing outside the served roots is ever sent, nothing
 * partial or wrong is left in the cache.
 */
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixturePath } from '@elfkit/fixtures';
import { DebuginfodServer } from '@elfkit/debuginfod/node';
import { bytes, readelfBuildId, rm, servedTree, sha256, SOURCE_DIR, tempDir } from './support.js';

const work = tempDir();
const tree = join(work, 'tree');
servedTree(tree);
// A named source that links out of the tree.
rmSync(join(tree, 'elfkit/fixtures/src/c/shapes.h'));
symlinkSync('/etc/passwd', join(tree, 'elfkit/fixtures/src/c/shapes.h'));
const dwarf5 = readelfBuildId(fixturePath('c/gcc-dwarf5'))!;
const strippedId = readelfBuildId(fixturePath('c/gcc-stripped'))!;
const servers: { close(): Promise<void> }[] = [];

async function serve(paths: string[], extra: Partial<Parameters<typeof DebuginfodServer.start>[0]> = {}): Promise<{ server: DebuginfodServer; url: string; port: number }> {
  const server = await DebuginfodServer.start({ paths, port: 0, ...extra });
  servers.push(server);
  await server.ready();
  return { server, url: `http://127.0.0.1:${server.address.port}`, port: server.address.port };
}

/** A GET with the path sent exactly as written (fetch would normalize `..`). */
function raw(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test.after(async () => {
  for (const s of servers) await s.close().catch(() => {});
  rm(work);
});

test('malformed, uppercase and unknown build ids; unknown paths and methods', async () => {
  const { port, url } = await serve([tree]);
  const cases: [string, number][] = [
    [`/buildid/${dwarf5}/debuginfo`, 200],
    [`/buildid/${dwarf5.toUpperCase()}/debuginfo`, 400],
    [`/buildid/${dwarf5.slice(1)}/debuginfo`, 400],
    [`/buildid/xyz0/executable`, 400],
    [`/buildid//executable`, 400],
    [`/buildid/${'ab'.repeat(200)}/executable`, 400],
    [`/buildid/${'ab'.repeat(20)}/executable`, 404],
    [`/buildid/${dwarf5}/debuginfo/extra`, 404],
    [`/buildid/${dwarf5}/nonesuch`, 404],
    [`/buildid/${dwarf5}/section/`, 400],
    [`/buildid/${dwarf5}/section/.debug_nonesuch`, 404],
    [`/etc/passwd`, 404],
    [`/`, 404],
  ];
  for (const [path, status] of cases) assert.is((await raw(port, path)).status, status, path);
  const size = bytes(fixturePath('c/gcc-dwarf5')).length;
  assert.is((await raw(port, `/buildid/${dwarf5}/executable`, { 'X-DEBUGINFOD-MAXSIZE': String(size - 1) })).status, 406, 'over DEBUGINFOD_MAXSIZE: 406, as elfutils');
  assert.is((await raw(port, `/buildid/${dwarf5}/executable`, { 'X-DEBUGINFOD-MAXSIZE': String(size) })).status, 200);
  const post = await fetch(`${url}/buildid/${dwarf5}/debuginfo`, { method: 'POST' });
  assert.is(post.status, 405);
  const head = await fetch(`${url}/buildid/${dwarf5}/debuginfo`, { method: 'HEAD' });
  assert.is(head.status, 200);
  assert.is(head.headers.get('x-debuginfod-size'), String(bytes(fixturePath('c/gcc-dwarf5')).length));
});

test('source paths: traversal, percent-encoding, names outside the tree and symlinks out of it serve nothing', async () => {
  const { port } = await serve([tree]);
  const passwd = readFileSync('/etc/passwd');
  const main = `/buildid/${dwarf5}/source${SOURCE_DIR}/main.c`;
  assert.is((await raw(port, main)).status, 200);
  assert.is((await raw(port, `/buildid/${dwarf5}/source${SOURCE_DIR}/./x/../main.c`)).status, 200, 'dot segments resolve as RFC 3986 says');
  const bad = [
    `/buildid/${dwarf5}/source${SOURCE_DIR}/../../../../../../etc/passwd`,
    `/buildid/${dwarf5}/source/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
    `/buildid/${dwarf5}/source${SOURCE_DIR}/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd`,
    `/buildid/${dwarf5}/source${SOURCE_DIR}/%252e%252e/etc/passwd`,
    `/buildid/${dwarf5}/source/etc/passwd`,
    `/buildid/${dwarf5}/source/usr/include/stdio.h`, // named by the DWARF, present on the machine, not in the tree
    `/buildid/${dwarf5}/source${SOURCE_DIR}/shapes.h`, // named by the DWARF, a symlink out of the tree
    `/buildid/${dwarf5}/source${SOURCE_DIR}/main.c%00.txt`,
    `/buildid/${dwarf5}/source${SOURCE_DIR}/%zz`,
    `/buildid/${dwarf5}/source${tree}/elfkit/fixtures/src/c/main.c`, // a real file in the tree, but not a name the DWARF gives
  ];
  for (const path of bad) {
    const r = await raw(port, path);
    assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
    assert.not.ok(r.body.includes(passwd.subarray(0, 20)), `${path} leaked /etc/passwd`);
  }
});

test('huge headers get 431; a client that sends its headers too slowly is dropped while others are served', async () => {
  const { port, url } = await serve([tree], { headersTimeoutMs: 800 });
  const huge = await raw(port, '/metrics', { 'x-huge': 'a'.repeat(64 << 10) }).catch((e) => ({ status: -1, body: Buffer.from(String(e)) }));
  assert.is(huge.status, 431);
  const slow = connect(port, '127.0.0.1');
  let closed = false;
  let answer = '';
  slow.on('data', (d) => (answer += d));
  slow.on('close', () => (closed = true));
  slow.on('error', () => {});
  slow.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
  const drip = setInterval(() => !closed && slow.write('X-A: b\r\n'), 150);
  const t0 = Date.now();
  const ok = await fetch(`${url}/buildid/${dwarf5}/executable`);
  assert.is(ok.status, 200, 'served while the slow client dribbles');
  await ok.arrayBuffer();
  while (!closed && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
  clearInterval(drip);
  slow.destroy();
  assert.ok(closed, 'slow client dropped');
  assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer);
});

/** Descriptors this process holds open on `path`. */
const fdsOn = (path: string) =>
  readdirSync('/proc/self/fd').filter((f) => {
    try {
      return readlinkSync(`/proc/self/fd/${f}`) === path;
    } catch {
      return false;
    }
  }).length;

test('a client that stops reading or disconnects mid-transfer: its file is closed, others are served', async () => {
  // A 48 MiB debug file: gcc-stripped.debug with padding after its last section.
  const dir = join(work, 'big');
  mkdirSync(dir);
  const big = join(dir, 'big.debug');
  copyFileSync(fixturePath('c/gcc-stripped.debug'), big);
  appendFileSync(big, new Uint8Array(48 << 20));
  const { port, url, server } = await serve([dir], { idleTimeoutMs: 1500 });
    // Stops reading after the first bytes, then goes away.
  for (let i = 0; i < 8; i++) {
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: `/buildid/${strippedId}/debuginfo`, agent: false }, (res) => {
        res.once('data', () => {
          res.pause();
          setTimeout(() => {
            req.destroy();
            resolve();
          }, i % 2 ? 0 : 100);
        });
      });
      req.on('error', () => {});
      req.end();
    });
  }
  // One that stops reading and stays: dropped after the idle timeout.
  const stalled = request({ host: '127.0.0.1', port, path: `/buildid/${strippedId}/debuginfo`, agent: false }, (res) => res.pause());
  stalled.on('error', () => {});
  stalled.end();
  const r = await fetch(`${url}/buildid/${strippedId}/section/.debug_info`);
  assert.is(r.status, 200, 'served meanwhile');
  assert.is((await r.arrayBuffer()).byteLength > 0, true);
  const whole = new Uint8Array(await (await fetch(`${url}/buildid/${strippedId}/debuginfo`)).arrayBuffer());
  assert.is(sha256(whole), sha256(bytes(big)), 'a full transfer is intact');
  const t0 = Date.now();
  while (fdsOn(big) > 0 && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 100));
  assert.is(fdsOn(big), 0, 'every stream of the file closed (the stalled client dropped)');
  assert.ok(server.metrics.get('http_responses_total', { result: 'aborted' }) >= 8, 'aborted transfers counted');
});

function upstreamServer(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  servers.push({ close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })));
}

const cacheFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
  } catch {
    return [];
  }
};

test('federation: an upstream that hangs, lies about the build id, or breaks off leaves nothing in the cache', async () => {
  const hang = await upstreamServer(() => {});
  const wrong = await upstreamServer((_req, res) => {
    const b = bytes(fixturePath('c/gcc-dwarf5'));
    res.writeHead(200, { 'Content-Length': b.length }).end(b);
  });
  const cut = await upstreamServer((_req, res) => {
    const b = bytes(fixturePath('c/gcc-stripped.debug'));
    res.writeHead(200, { 'Content-Length': b.length });
    res.write(b.subarray(0, 1000), () => res.destroy());
  });
  for (const [what, up] of [['hang', hang], ['wrong build id', wrong], ['cut off', cut]] as const) {
    const cache = join(work, `cache-${what.replace(/ /g, '-')}`);
    const { url } = await serve([], { upstream: { urls: [up.url], cacheDir: cache, timeoutMs: 700 } });
    const t0 = Date.now();
    const r = await fetch(`${url}/buildid/${strippedId}/debuginfo`);
    assert.is(r.status, 404, what);
    await r.arrayBuffer();
    assert.ok(Date.now() - t0 < 5000, `${what}: answered in ${Date.now() - t0} ms`);
    assert.equal(cacheFiles(cache), [], `${what}: nothing cached`);
  }
});

test('federation: a good upstream\'s answers are served, cached as elfutils lays them out, and served from the cache later', async () => {
  const srcDir = join(work, 'up');
  mkdirSync(srcDir);
  copyFileSync(fixturePath('c/gcc-stripped.debug'), join(srcDir, 'app.debug'));
  const upstream = await serve([srcDir, tree]);
  const cache = join(work, 'cache-good');
  const { url, server } = await serve([], { upstream: { urls: ['http://127.0.0.1:1', upstream.url], cacheDir: cache, timeoutMs: 2000 } });
  const debug = bytes(fixturePath('c/gcc-stripped.debug'));
  const got = new Uint8Array(await (await fetch(`${url}/buildid/${strippedId}/debuginfo`)).arrayBuffer());
  assert.is(sha256(got), sha256(debug));
  const sect = await fetch(`${url}/buildid/${strippedId}/section/.debug_line`);
  assert.is(sect.status, 200);
  assert.is(readFileSync(join(cache, strippedId, 'debuginfo')).length, debug.length, 'cached as ID/debuginfo');
  assert.ok(readFileSync(join(cache, strippedId, 'section-.debug_line')).length > 0, 'cached as ID/section-NAME');
  const src = await fetch(`${url}/buildid/${strippedId}/source${SOURCE_DIR}/main.c`);
  assert.is(src.status, 200, 'source through the upstream');
  assert.equal(new Uint8Array(await src.arrayBuffer()), new Uint8Array(readFileSync(join(tree, 'elfkit/fixtures/src/c/main.c'))));
  assert.ok(readFileSync(join(cache, strippedId, `source${SOURCE_DIR.replace(/\//g, '##')}##main.c`)).length > 0, 'cached as ID/source##a##b.c, as libdebuginfod names it');
  // Concurrent misses for one file share one upstream fetch; a loop is cut by X-Forwarded-Ttl.
  const loop = await fetch(`${url}/buildid/${'cd'.repeat(20)}/debuginfo`, { headers: { 'x-forwarded-ttl': '8' } });
  assert.is(loop.status, 404);
  await upstream.server.close();
  const again = new Uint8Array(await (await fetch(`${url}/buildid/${strippedId}/debuginfo`)).arrayBuffer());
  assert.is(sha256(again), sha256(debug), 'served from the cache once the upstream is gone');
  assert.is(server.metrics.get('error_count', { role: 'http' }), 0);
});

test.run();
