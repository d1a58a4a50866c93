/**
 * The core of @elfkit/debuginfod imports no Node module (it runs in a
 * browser or a worker); its pieces on their own: request parsing, source
 * path canonicalization, ELF classification and source names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BytesSource } from '@elfkit/binary';
import { fixtureBytes } from '@elfkit/fixtures';
import { canonicalPath, parseRequest, readElfRecord, requestedSourcePath } from '@elfkit/debuginfod';

const src = join(fileURLToPath(import.meta.url), '..', '..', 'src');

test('the core imports no Node module', () => {
  for (const f of readdirSync(src).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(join(src, f), 'utf8');
    assert.not.match(text, /from\s+['"]node:|from\s+['"](fs|path|http|zlib|os|child_process|crypto|stream)['"]/, `${f} imports a Node module`);
    assert.not.match(text, /\b(Buffer|process)\./, `${f} uses a Node global`);
  }
});

test('requests: types, build ids, escapes', () => {
  const id = 'ab'.repeat(20);
  assert.equal(parseRequest(`/buildid/${id}/debuginfo`), { kind: 'buildid', buildId: id, type: 'debuginfo' });
  assert.equal(parseRequest(`/buildid/${id}/section/.debug_info?x=1`), { kind: 'buildid', buildId: id, type: 'section', section: '.debug_info' });
  assert.equal(parseRequest(`/buildid/${id}/source/tmp/a%20b%2Bc/x.c`), { kind: 'buildid', buildId: id, type: 'source', path: '/tmp/a b+c/x.c' });
  assert.equal(parseRequest('/metrics'), { kind: 'metrics' });
  for (const bad of [`/buildid/${id.toUpperCase()}/debuginfo`, '/buildid/abc/debuginfo', '/buildid/zz/debuginfo', `/buildid/${id}/section/a%2Fb`]) assert.is((parseRequest(bad) as { status?: number }).status, 400, bad);
  assert.is((parseRequest('/nothing') as { status?: number }).status, 404);
});

test('source paths: RFC 3986 dot segments never climb above the root; // collapses', () => {
  assert.is(canonicalPath('/a/b/../../../../etc/passwd'), '/etc/passwd');
  assert.is(canonicalPath('//a/./b//c/'), '/a/b/c');
  assert.is(requestedSourcePath('/x/%2e%2e/%2E%2E/y'), '/y');
  assert.is(requestedSourcePath('/x/%zz'), undefined);
  assert.is(requestedSourcePath('/x/a%00b'), undefined);
});

test('ELF classification as elfutils: stripped executable, separate debug file, unstripped both, object files with their sources', () => {
  const exe = readElfRecord(new BytesSource(fixtureBytes('c/gcc-stripped')))!;
  assert.ok(exe.executable && !exe.debuginfo);
  const dbg = readElfRecord(new BytesSource(fixtureBytes('c/gcc-stripped.debug')))!;
  assert.ok(dbg.debuginfo && !dbg.executable);
  assert.is(dbg.buildId, exe.buildId);
  assert.ok(dbg.sources!.has('/elfkit/fixtures/src/c/main.c'));
  assert.is(dbg.sources!.get('/elfkit/fixtures/src/c/main.c'), 'main.c');
  const both = readElfRecord(new BytesSource(fixtureBytes('c/gcc-dwarf4')))!;
  assert.ok(both.debuginfo && both.executable);
  assert.ok(both.sources!.has('/elfkit/fixtures/src/c/main.c'), 'DWARF 4 names joined to the comp_dir');
  assert.is(readElfRecord(new BytesSource(new Uint8Array(64))), undefined);
  assert.is(readElfRecord(new BytesSource(fixtureBytes('c/gcc-stripped').subarray(0, 200))), undefined, 'truncated: no record, no throw');
});

test.run();
