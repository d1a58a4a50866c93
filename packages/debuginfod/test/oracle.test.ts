/**
 * The real debuginfod clients against `elfkit debuginfod serve`:
 * elfutils' debuginfod-find gets byte-identical executables, debug files,
 * sections (compared with elfutils' own server over the same tree) and
 * sources (compared with the files), from a directory, a tar archive and an
 * OCI image; gdb gets working symbols for a stripped binary whose debug
 * file only the server has; LLVM 14's llvm-symbolizer and
 * llvm-debuginfod-find do too.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixturePath, repoRoot, skip } from '@elfkit/fixtures';
import { bytes, debTool, ociLayout, readelfBuildId, rm, servedTree, sha256, SOURCE_DIR, startElfkit, startElfutils, tarOf, tempDir, type Running } from './support.js';

const find = debTool('debuginfod-find', 'debuginfod');
const daemon = debTool('debuginfod', 'debuginfod');
const work = tempDir();
let ours: Running | undefined;
let theirs: Running | undefined;
let ids: string[] = [];
const tree = join(work, 'tree');

test.before(async () => {
  const { files } = servedTree(tree);
  ids = [...new Set(files.map(readelfBuildId).filter((x): x is string => !!x))].sort();
  if (typeof find === 'string') ours = await startElfkit([tree]);
  if (typeof daemon === 'string') theirs = await startElfutils(daemon, [tree], work);
});

test.after(async () => {
  await ours?.stop();
  await theirs?.stop();
  rm(work);
});

let cacheN = 0;
/** debuginfod-find against one server with a fresh cache: the fetched bytes, or undefined. */
function fetchWith(server: Running, args: string[]): Uint8Array | undefined {
  const cache = join(work, `cache-${cacheN++}`);
  const r = spawnSync(find as string, args, { encoding: 'utf8', env: { ...process.env, DEBUGINFOD_URLS: server.url, DEBUGINFOD_CACHE_PATH: cache, DEBUGINFOD_TIMEOUT: '20' } });
  if (r.status !== 0) return undefined;
  const p = r.stdout.trim();
  return existsSync(p) ? bytes(p) : undefined;
}

/** The same request over HTTP (Node's fetch): status and bytes. */
async function get(server: Running, path: string): Promise<Uint8Array | undefined> {
  const r = await fetch(server.url + path);
  if (r.status !== 200) {
    await r.body?.cancel();
    return undefined;
  }
  return new Uint8Array(await r.arrayBuffer());
}

// debuginfod-find costs ~0.2 s a run here: it fetches every file from elfkit, and the
// comparison with elfutils' server (many more requests) goes through fetch.
test('debuginfod-find: executables and debug files from a directory, byte for byte as elfutils\' server serves them', async () => {
  if (typeof find !== 'string') return skip('debuginfod-find oracle', find.reason);
  if (!theirs) return skip('elfutils debuginfod comparison', (daemon as { reason: string }).reason);
  assert.ok(ids.length >= 15, `${ids.length} build ids in the fixture tree`);
  let compared = 0;
  let served = 0;
  const diffs: string[] = [];
  for (const id of ids) {
    for (const type of ['executable', 'debuginfo']) {
      const a = fetchWith(ours!, [type, id]);
      const b = await get(theirs, `/buildid/${id}/${type}`);
      if (a) served++;
      if (!a !== !b) diffs.push(`${type} ${id}: elfkit ${a ? 'has' : 'lacks'} it, elfutils ${b ? 'has' : 'lacks'} it`);
      else if (a && b && sha256(a) !== sha256(b)) diffs.push(`${type} ${id}: different bytes`);
      else compared++;
    }
  }
  process.stdout.write(`debuginfod-find executable/debuginfo: ${compared} answers compared with elfutils (${served} files served), ${diffs.length} differences\n`);
  assert.equal(diffs, []);
  assert.ok(served >= ids.length, 'every build id has at least its executable');
});

test('sections match elfutils\' server (debug file first, then the executable); debuginfod-find gets them', async () => {
  if (typeof find !== 'string' || !theirs) return skip('section oracle', typeof find !== 'string' ? find.reason : (daemon as { reason: string }).reason);
  const names = ['.debug_info', '.debug_line', '.debug_str', '.debug_abbrev', '.text', '.rodata', '.symtab', '.strtab', '.gnu_debuglink', '.note.gnu.build-id', '.bss', '.debug_nonesuch'];
  let compared = 0;
  const diffs: string[] = [];
  for (const id of ids) {
    for (const name of names) {
      const path = `/buildid/${id}/section/${name}`;
      const a = await get(ours!, path);
      const b = await get(theirs, path);
      if (!a !== !b || (a && b && sha256(a) !== sha256(b))) diffs.push(`${id} ${name}: elfkit ${a?.length ?? 'none'}, elfutils ${b?.length ?? 'none'}`);
      else compared++;
    }
  }
  for (const id of ids.slice(0, 3)) {
    for (const name of ['.debug_line', '.text']) {
      const a = fetchWith(ours!, ['section', id, name]);
      assert.equal(sha256(a ?? new Uint8Array()), sha256((await get(theirs, `/buildid/${id}/section/${name}`)) ?? new Uint8Array()), `debuginfod-find section ${id} ${name}`);
      compared++;
    }
  }
  process.stdout.write(`sections: ${compared} answers compared with elfutils, ${diffs.length} differences\n`);
  assert.equal(diffs, []);
});

test('debuginfod-find: sources named by the DWARF, found in the served tree, byte for byte', () => {
  if (typeof find !== 'string') return skip('source oracle', find.reason);
  const id = readelfBuildId(fixturePath('c/gcc-dwarf5'))!;
  const srcDir = join(repoRoot, 'fixtures', 'src', 'c');
  let n = 0;
  for (const name of readdirSync(srcDir).filter((f) => /\.(c|h)$/.test(f))) {
    const got = fetchWith(ours!, ['source', id, `${SOURCE_DIR}/${name}`]);
    if (name === 'main.c') assert.ok(got, 'main.c is served');
    if (!got) continue;
    assert.equal(sha256(got), sha256(bytes(join(srcDir, name))), name);
    n++;
  }
  // The DWARF names stdio.h, which exists on this machine but not in the tree: not served.
  assert.is(fetchWith(ours!, ['source', id, '/usr/include/stdio.h']), undefined);
  process.stdout.write(`debuginfod-find source: ${n} files byte-identical\n`);
});

const stripped = () => ({ exe: fixturePath('c/gcc-stripped'), debug: fixturePath('c/gcc-stripped.debug'), id: readelfBuildId(fixturePath('c/gcc-stripped'))! });

function archiveFiles(): Record<string, Uint8Array> {
  const s = stripped();
  const files: Record<string, Uint8Array> = {
    'usr/bin/app': bytes(s.exe),
    [`usr/lib/debug/.build-id/${s.id.slice(0, 2)}/${s.id.slice(2)}.debug`]: bytes(s.debug),
  };
  for (const f of ['main.c', 'shapes.h']) files[`elfkit/fixtures/src/c/${f}`] = bytes(join(repoRoot, 'fixtures', 'src', 'c', f));
  return files;
}

async function checkContainer(what: string, path: string, elfutilsDir?: string): Promise<void> {
  const s = stripped();
  const server = await startElfkit([path]);
  const other = elfutilsDir && typeof daemon === 'string' ? await startElfutils(daemon, [elfutilsDir], work) : undefined;
  try {
    for (const [type, file] of [['executable', s.exe], ['debuginfo', s.debug]] as const) {
      const got = fetchWith(server, [type, s.id]);
      assert.ok(got, `${what}: ${type}`);
      assert.equal(sha256(got!), sha256(bytes(file)), `${what}: ${type} bytes`);
      if (other) {
        const theirsGot = fetchWith(other, [type, s.id]);
        assert.ok(theirsGot, `elfutils ${what}: ${type}`);
        assert.equal(sha256(theirsGot!), sha256(got!), `${what}: ${type} as elfutils serves it`);
      }
      const res = await fetch(`${server.url}/buildid/${s.id}/${type}`, { method: 'HEAD' });
      assert.is(res.status, 200);
      assert.is(res.headers.get('x-debuginfod-archive'), path, `${what}: X-DEBUGINFOD-ARCHIVE`);
      assert.is(res.headers.get('x-debuginfod-size'), String(bytes(file).length));
    }
    const src = fetchWith(server, ['source', s.id, `${SOURCE_DIR}/main.c`]);
    assert.equal(sha256(src ?? new Uint8Array()), sha256(bytes(join(repoRoot, 'fixtures', 'src', 'c', 'main.c'))), `${what}: source from inside the archive`);
    const sect = fetchWith(server, ['section', s.id, '.debug_line']);
    const sectTheirs = other ? fetchWith(other, ['section', s.id, '.debug_line']) : undefined;
    assert.ok(sect && sect.length > 0, `${what}: section`);
    if (other) assert.equal(sha256(sectTheirs ?? new Uint8Array()), sha256(sect!), `${what}: section as elfutils serves it`);
  } finally {
    await server.stop();
    await other?.stop();
  }
}

test('debuginfod-find: from a tar archive (compared with elfutils -Z .tar=cat)', async () => {
  if (typeof find !== 'string') return skip('tar oracle', find.reason);
  const dir = join(work, 'tar');
  mkdirSync(dir);
  writeFileSync(join(dir, 'app.tar'), tarOf(archiveFiles()));
  await checkContainer('tar', join(dir, 'app.tar'), dir);
});

test('debuginfod-find: from an OCI image layout with a gzip layer (compared with elfutils -Z .tar.gz=zcat on the layer)', async () => {
  if (typeof find !== 'string') return skip('image oracle', find.reason);
  const layout = join(work, 'oci');
  ociLayout(layout, archiveFiles());
  const links = join(work, 'oci-links');
  mkdirSync(links);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
  const layer = manifest.layers[0].digest.slice(7);
  // elfutils indexes a layer blob hard-linked under a .tar.gz name (next.md 2c).
  linkSync(join(layout, 'blobs', 'sha256', layer), join(links, `${layer}.tar.gz`));
  await checkContainer('oci', layout, links);
});

test('federation both ways with elfutils: elfkit forwards misses to elfutils\' server, elfutils forwards to elfkit', async () => {
  if (typeof find !== 'string' || typeof daemon !== 'string') return skip('federation oracle', typeof find !== 'string' ? find.reason : (daemon as { reason: string }).reason);
  const s = stripped();
  const dir = join(work, 'fed');
  mkdirSync(join(dir, 'srv'), { recursive: true });
  mkdirSync(join(dir, 'empty'));
  copyFileSync(s.debug, join(dir, 'srv', 'app.debug'));
  copyFileSync(s.exe, join(dir, 'srv', 'app'));
  const started: Running[] = [];
  const up = async (r: Promise<Running>) => (started.push(await r), started[started.length - 1]!);
  try {
    const upstreamTheirs = await up(startElfutils(daemon, [join(dir, 'srv')], work));
    const cache = join(dir, 'elfkit-cache');
    const front = await up(startElfkit([join(dir, 'empty')], ['--upstream', upstreamTheirs.url, '--cache', cache]));
    const upstreamOurs = await up(startElfkit([join(dir, 'srv')]));
    const frontTheirs = await up(startElfutils(daemon, [join(dir, 'empty')], work, { DEBUGINFOD_URLS: upstreamOurs.url, DEBUGINFOD_CACHE_PATH: join(dir, 'elfutils-cache') }));
    for (const [type, file] of [['debuginfo', s.debug], ['executable', s.exe]] as const) {
      assert.equal(sha256(fetchWith(front, [type, s.id]) ?? new Uint8Array()), sha256(bytes(file)), `elfkit -> elfutils: ${type}`);
      assert.equal(sha256(bytes(join(cache, s.id, type))), sha256(bytes(file)), `cached by elfkit as ${s.id}/${type}, the elfutils client layout`);
      assert.equal(sha256(fetchWith(frontTheirs, [type, s.id]) ?? new Uint8Array()), sha256(bytes(file)), `elfutils -> elfkit: ${type}`);
    }
    const sect = fetchWith(front, ['section', s.id, '.debug_line']);
    assert.equal(sha256(sect ?? new Uint8Array()), sha256(fetchWith(upstreamTheirs, ['section', s.id, '.debug_line']) ?? new Uint8Array(1)), 'section through elfkit');
  } finally {
    for (const r of started) await r.stop();
  }
});

test('gdb (set debuginfod enabled on): symbols and lines for a stripped binary whose debug file only the server has', async () => {
  const gdb = debTool('gdb', 'gdb');
  if (typeof gdb !== 'string') return skip('gdb oracle', gdb.reason);
  const s = stripped();
  const dir = join(work, 'gdb');
  mkdirSync(join(dir, 'srv'), { recursive: true });
  copyFileSync(s.exe, join(dir, 'app'));
  copyFileSync(s.debug, join(dir, 'srv', 'app.debug'));
  const server = await startElfkit([join(dir, 'srv')]);
  const gdbRun = (url: string) =>
    spawnSync(gdb, ['-nx', '-batch', '-iex', 'set debuginfod enabled on', '-ex', 'info line main', '-ex', 'break shape_area', '-ex', 'run', '-ex', 'bt', join(dir, 'app')], {
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, DEBUGINFOD_URLS: url, DEBUGINFOD_CACHE_PATH: join(dir, `cache-${url.length}`), HOME: dir },
      timeout: 120_000,
    });
  try {
    const without = gdbRun('');
    assert.not.match(without.stdout, /Line \d+ of "main\.c"/, 'control: without the server gdb has no lines');
    const r = gdbRun(server.url);
    assert.match(r.stdout, /Line \d+ of "main\.c"/, r.stdout + r.stderr);
    assert.match(r.stdout, /#\d+ .*main \(.*\) at main\.c:\d+/, 'bt reaches main with its line');
  } finally {
    await server.stop();
  }
});

test('llvm-symbolizer and llvm-debuginfod-find (LLVM 14): lines and files from the server', async () => {
  const bin = '/usr/lib/llvm-14/bin';
  if (!existsSync(join(bin, 'llvm-symbolizer'))) return skip('llvm-symbolizer oracle', 'LLVM 14 not installed');
  const s = stripped();
  const dir = join(work, 'llvm');
  mkdirSync(join(dir, 'srv'), { recursive: true });
  copyFileSync(s.exe, join(dir, 'app'));
  copyFileSync(s.debug, join(dir, 'srv', 'app.debug'));
  const server = await startElfkit([join(dir, 'srv'), join(work, 'tree', 'elfkit')]);
  const nm = spawnSync('nm', [s.debug], { encoding: 'utf8' }).stdout;
  const main = /^([0-9a-f]+) T main$/m.exec(nm)![1]!;
  const sym = (url: string) => spawnSync(join(bin, 'llvm-symbolizer'), [`--obj=${join(dir, 'app')}`, `0x${main}`], { encoding: 'utf8', env: { ...process.env, DEBUGINFOD_URLS: url, DEBUGINFOD_CACHE_PATH: join(dir, `c${url.length}`), HOME: dir } }).stdout;
  try {
    const control = sym('');
    if (/main\.c/.test(control)) throw new Error('control: llvm-symbolizer found lines without the server');
    if (!existsSync(join(bin, 'llvm-debuginfod-find'))) return skip('llvm-symbolizer oracle', 'this LLVM has no debuginfod client (no llvm-debuginfod-find)');
    const out = sym(server.url);
    assert.match(out, /^main\n\/elfkit\/fixtures\/src\/c\/main\.c:\d+:\d+$/m, out);
    const f = spawnSync(join(bin, 'llvm-debuginfod-find'), ['--debuginfo', s.id], { encoding: 'utf8', env: { ...process.env, DEBUGINFOD_URLS: server.url, DEBUGINFOD_CACHE_PATH: join(dir, 'c-find'), HOME: dir } });
    assert.is(f.status, 0, f.stderr);
    assert.equal(sha256(bytes(f.stdout.trim())), sha256(bytes(s.debug)));
  } finally {
    await server.stop();
  }
});

test.run();
