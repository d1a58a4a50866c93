// Oracles for every rewritten fixture: `readelf -a -W` prints no warning
// or error, `eu-elflint --gnu-ld` (elfutils from Debian) reports nothing it
// did not report for the input, and the x86-64 executables still run and
// print what they printed before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfFile, constants as C, encodeNote, rewriteElf, type SectionEdit } from '@elfkit/elf';
import { fixtures, fixtureBytes, fixturePath, fixturesDir, run, type Fixture } from '@elfkit/fixtures';
import { elfutils, scratch, tool } from './support.js';

const readelf = tool('readelf', 'rewrite oracles (readelf)');
const eu = elfutils('rewrite oracles (eu-elflint)');
const dir = scratch();

const stamp = (b: Uint8Array) => encodeNote('FDO', C.NT_FDO_PACKAGING_METADATA, new TextEncoder().encode('{"type":"elfkit-stamp","schemaVersion":1}\0'), b[5] === 1 ? 'little' : 'big');

/** The rewrites every fixture goes through. */
function variants(f: Fixture, b: Uint8Array): [string, SectionEdit[]][] {
  const elf = ElfFile.parse(b);
  if (elf.sections.length === 0) return [];
  const out: [string, SectionEdit[]][] = [
    ['add', [{ op: 'add', name: '.mydata', data: new TextEncoder().encode('payload\n') }]],
    ['note', [{ op: 'add', name: '.note.elfkit.stamp', data: stamp(b), align: 4 }]],
  ];
  const comment = elf.section('.comment');
  if (comment) {
    out.push(['update', [{ op: 'update', name: '.comment', data: new TextEncoder().encode('x'.repeat(comment.size + 100) + '\0') }]]);
    out.push(['remove+rename', [{ op: 'remove', name: '.comment' }, { op: 'add', name: '.x', data: new Uint8Array([1]) }, { op: 'rename', name: '.x', to: '.y' }]]);
  }
  if (f.kind === 'exec' || f.kind === 'dyn') out.push(['loadable', [{ op: 'add', name: '.note.elfkit.stamp', data: stamp(b), loadable: true }]]);
  return out;
}

const stderrLines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');
const lint = (file: string) => {
  const r = run(eu!.bin('eu-elflint'), ['--gnu-ld', file], { env: eu!.env });
  // Messages name the file and number sections; removing a section renumbers
  // the later ones, so they are compared by section name.
  return stderrLines(r.stdout + r.stderr).map((l) => l.replace(file, '<file>').replace(/\[\s*\d+\]/g, '[#]'));
};

for (const f of fixtures()) {
  test(`${f.name}: rewritten copies pass readelf, eu-elflint and still run`, () => {
    if (!readelf) return;
    const b = fixtureBytes(f);
    const src = fixturePath(f);
    const inWarnings = new Set(stderrLines(run(readelf, ['-a', '-W', src]).stderr));
    const inLint = eu ? new Set(lint(src)) : new Set<string>();
    const expected = f.runnable && f.arch === 'amd64' && process.arch === 'x64' && f.expectedStdout ? readFileSync(join(fixturesDir, f.expectedStdout), 'utf8') : undefined;
    for (const [name, edits] of variants(f, b)) {
      const out = join(dir, `${f.name.replace(/\//g, '_')}.${name}`);
      writeFileSync(out, rewriteElf(b, edits));
      chmodSync(out, 0o755);
      const re = run(readelf, ['-a', '-W', out]);
      const warnings = stderrLines(re.stderr).filter((l) => !inWarnings.has(l));
      assert.equal(warnings, [], `${f.name} ${name}: readelf -a -W`);
      if (inWarnings.size === 0) assert.is(re.stderr, '', `${f.name} ${name}: readelf is silent`);
      if (eu) {
        const fresh = lint(out).filter((l) => !inLint.has(l));
        assert.equal(fresh, [], `${f.name} ${name}: eu-elflint --gnu-ld`);
      }
      if (expected !== undefined) {
        const r = run(out, []);
        assert.is(r.status, 0, `${f.name} ${name}: exit status`);
        assert.is(r.stdout, expected, `${f.name} ${name}: output`);
      }
    }
  });
}

test.run();
