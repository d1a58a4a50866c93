/**
 * onlyKeepDebug against `objcopy --only-keep-debug` on the fixtures: the
 * same sections (allocated ones as NOBITS), the same bytes in every section
 * that keeps them, the same DWARF as readelf dumps it, and gdb finds lines
 * through it exactly as through objcopy's file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfFile } from '@elfkit/elf';
import { onlyKeepDebug, RewriteError } from '@elfkit/elf/rewrite';
import { fixtureBytes, fixturePath, skip, which } from '@elfkit/fixtures';

const NAMES = ['c/gcc-dwarf5', 'c/gcc-dwarf4', 'c/clang-dwarf5', 'c/gcc-zlib', 'c/gcc-m32', 'c/gcc-static', 'c/gcc-aarch64', 'cpp/gxx-dwarf5', 'go/go1.27-amd64', 'go/go1.27-386'];
const dir = mkdtempSync(join(tmpdir(), 'elfkit-keep-debug-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// objcopy (BFD) rebuilds the string tables and re-types symbols that point
// into TLS sections; elfkit keeps the input's bytes. Symbols are compared
// through readelf -s instead (with BFD's TLS re-typing undone).
const REBUILT_BY_BFD = new Set(['.symtab', '.strtab', '.shstrtab']);

function sections(bytes: Uint8Array) {
  const elf = ElfFile.parse(bytes);
  return elf.sections.map((s) => ({
    name: s.name,
    type: s.type,
    addr: s.addr,
    size: REBUILT_BY_BFD.has(s.name) && s.type === 3 ? -1 : s.size,
    content: s.type === 8 || REBUILT_BY_BFD.has(s.name) ? null : sha(elf.rawSectionData(s)),
  }));
}

const objcopy = which('objcopy');

for (const name of NAMES) {
  test(`${name}: the sections objcopy --only-keep-debug keeps, byte for byte`, () => {
    // The host objcopy reads its own architecture; others need theirs.
    const tool = name.includes('aarch64') ? which('aarch64-linux-gnu-objcopy') : objcopy;
    if (!tool) return skip(`only-keep-debug oracle for ${name}`, 'no objcopy for its architecture (binutils-aarch64-linux-gnu)');
    const input = fixtureBytes(name);
    const ours = onlyKeepDebug(input);
    const theirsPath = join(dir, name.replace('/', '_') + '.objcopy');
    const r = spawnSync(tool, ['--only-keep-debug', fixturePath(name), theirsPath], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const theirs = new Uint8Array(readFileSync(theirsPath));
    assert.equal(sections(ours), sections(theirs));
    const ourPath = join(dir, name.replace('/', '_') + '.ours');
    writeFileSync(ourPath, ours);
    for (const dump of ['--debug-dump=info', '--debug-dump=rawline', '-n', '-s']) {
      const a = spawnSync('readelf', ['-W', dump, ourPath], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.replaceAll(ourPath, 'F');
      let b = spawnSync('readelf', ['-W', dump, theirsPath], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.replaceAll(theirsPath, 'F');
      if (dump === '-s') {
        const al = a.split('\n');
        b = b
          .split('\n')
          .map((line, i) => (line.replace(' TLS     ', ' NOTYPE  ') === al[i] ? al[i]! : line))
          .join('\n');
      }
      assert.fixture(a, b, `${name} readelf ${dump}`);
    }
    assert.ok(ours.length <= input.length);
  });
}

test('gdb finds lines through it as through objcopy\'s', () => {
  const gdb = which('gdb');
  if (!gdb || !objcopy) return skip('gdb with the debug file', 'gdb or objcopy not installed');
  const bin = join(dir, 'hello');
  spawnSync(objcopy, ['--strip-debug', fixturePath('c/gcc-dwarf5'), bin]);
  const id = ElfFile.parse(fixtureBytes('c/gcc-dwarf5')).buildId()!;
  const answers: string[] = [];
  for (const [kind, bytes] of [
    ['ours', onlyKeepDebug(fixtureBytes('c/gcc-dwarf5'))],
    ['objcopy', new Uint8Array(readFileSync(join(dir, 'c_gcc-dwarf5.objcopy')))],
  ] as const) {
    const root = join(dir, 'debug-' + kind);
    mkdirSync(join(root, '.build-id', id.slice(0, 2)), { recursive: true });
    writeFileSync(join(root, '.build-id', id.slice(0, 2), id.slice(2) + '.debug'), bytes);
    const r = spawnSync(gdb, ['-nx', '-batch', '-iex', `set debug-file-directory ${root}`, '-ex', 'info line main', '-ex', 'info scope main', bin], { encoding: 'utf8' });
    answers.push(r.stdout);
  }
  assert.match(answers[0]!, /Line \d+ of ".*\.c" starts at address/);
  assert.is(answers[0], answers[1]);
});

test('files it cannot split say why', () => {
  for (const [name, code] of [['obj/amd64.o', 'unsupported']] as const) {
    try {
      onlyKeepDebug(fixtureBytes(name));
      assert.unreachable();
    } catch (e) {
      assert.ok(e instanceof RewriteError);
      assert.is(e.code, code);
    }
  }
});

test.run();
