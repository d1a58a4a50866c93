// `elfkit section add|update|remove|rename` against objcopy's
// --add-section/--update-section/--remove-section/--rename-section on the
// same inputs: `readelf -S -W` of both outputs must list the same sections
// (names, types, flags, sizes) with the same contents, and both outputs
// must still run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, fixturePath, fixturesDir, run } from '@elfkit/fixtures';
import { elfkit, scratch, tool } from './support.js';

interface Row {
  index: number;
  name: string;
  type: string;
  flags: string;
  size: number;
  offset: number;
  link: number;
  info: number;
  align: number;
}

/** Section rows of `readelf -S -W`. */
function sections(readelf: string, file: string): Row[] {
  const r = run(readelf, ['-S', '-W', file]);
  assert.is(r.stderr, '', `readelf -S -W ${file}: ${r.stderr}`);
  const rows: Row[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s(.{17})\s(\S+(?: \S+)*?)\s+([0-9a-f]{8,16})\s([0-9a-f]{6,})\s([0-9a-f]{6,})\s([0-9a-f]{2})\s(.{3})\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(line);
    if (!m || m[1] === '0') continue;
    rows.push({
      index: Number(m[1]),
      name: m[2]!.trim(),
      type: m[3]!,
      flags: m[8]!.trim(),
      size: parseInt(m[6]!, 16),
      offset: parseInt(m[5]!, 16),
      link: Number(m[9]),
      info: Number(m[10]),
      align: Number(m[11]),
    });
  }
  assert.ok(rows.length > 0, `no sections parsed from readelf -S -W ${file}`);
  return rows;
}

/**
 * name → type, flags, size, alignment, sh_link/sh_info (as section names:
 * the tools number sections differently) and contents, sorted by name.
 */
function table(readelf: string, file: string): Map<string, string> {
  const bytes = readFileSync(file);
  const rows = sections(readelf, file);
  const byIndex = new Map(rows.map((r) => [r.index, r.name]));
  const ref = (i: number) => (i === 0 ? '-' : (byIndex.get(i) ?? String(i)));
  const out = new Map<string, string>();
  for (const s of rows.sort((a, b) => a.name.localeCompare(b.name))) {
    // The section name table is each tool's own layout (objcopy rebuilds it,
    // elfkit appends and trims): only its type and flags are compared.
    if (s.name === '.shstrtab') {
      out.set(s.name, [s.type, s.flags].join(' '));
      continue;
    }
    const info = s.flags.includes('I') || /^REL/.test(s.type) ? ref(s.info) : String(s.info);
    const contents = s.type === 'NOBITS' ? '-' : s.type === 'SYMTAB' ? symbols(readelf, file, ref) : bytes.subarray(s.offset, s.offset + s.size).toString('hex');
    out.set(s.name, [s.type, s.flags, s.size, s.align, ref(s.link), info, contents].join(' '));
  }
  return out;
}

/**
 * `.symtab` as `readelf -s -W` lists it, section indexes as names. The
 * symbol type is left out: objcopy re-derives it (on static binaries it
 * turns the NOTYPE symbols at the start of .tdata into STT_TLS), where
 * elfkit keeps the symbol table's bytes.
 */
function symbols(readelf: string, file: string, ref: (i: number) => string): string {
  const r = run(readelf, ['-s', '-W', file]);
  const out: string[] = [];
  let inSymtab = false;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('Symbol table')) inSymtab = line.includes("'.symtab'");
    const m = /^\s*(\d+):\s+([0-9a-f]+)\s+(\S+)\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!inSymtab || !m) continue;
    out.push([m[1], m[2], m[3], m[4], m[5], /^\d+$/.test(m[6]!) ? ref(Number(m[6])) : m[6], m[7]].join(' '));
  }
  return out.join('\n');
}

const readelf = tool('readelf', 'section commands vs objcopy');
const objcopy = tool('objcopy', 'section commands vs objcopy');

interface Case {
  name: string;
  objcopy: string[];
  elfkit: string[];
}

const dir = scratch();
const payload = join(dir, 'payload.bin');
writeFileSync(payload, 'built by elfkit tests\n');
// A well-formed note for the .note* case: objcopy gives .note* names SHT_NOTE, as elfkit does.
const note = Buffer.alloc(12 + 4 + 8);
note.writeUInt32LE(4, 0);
note.writeUInt32LE(8, 4);
note.writeUInt32LE(1, 8);
note.write('FDO\0', 12);
note.write('{"a":1}\0', 16);
const notePath = join(dir, 'note.bin');
writeFileSync(notePath, note);

const cases: Case[] = [
  { name: 'add', objcopy: ['--add-section', `.mydata=${payload}`], elfkit: ['add', '{}', '.mydata', '--file', payload] },
  { name: 'add .note*', objcopy: ['--add-section', `.note.mine=${notePath}`], elfkit: ['add', '{}', '.note.mine', '--file', notePath] },
  { name: 'update (grow)', objcopy: ['--update-section', `.comment=${payload}`], elfkit: ['update', '{}', '.comment', '--file', payload] },
  { name: 'remove', objcopy: ['--remove-section', '.comment'], elfkit: ['remove', '{}', '.comment'] },
  { name: 'rename', objcopy: ['--rename-section', '.comment=.cmt'], elfkit: ['rename', '{}', '.comment', '.cmt'] },
];

// The host's objcopy reads x86 only: big-endian and other machines are covered by the writer's own tests.
for (const input of ['c/gcc-pie', 'c/gcc-nopie', 'c/gcc-static', 'c/gcc-m32', 'obj/amd64.o', 'obj/386.o']) {
  for (const c of cases) {
    test(`${input}: elfkit section ${c.name} = objcopy ${c.objcopy.join(' ').replaceAll(dir + '/', '')}`, () => {
      if (!readelf || !objcopy) return;
      const f = fixture(input);
      const src = fixturePath(f);
      const ours = join(dir, `${input.replace('/', '_')}.${c.name.replace(/\W+/g, '-')}.elfkit`);
      const theirs = join(dir, `${input.replace('/', '_')}.${c.name.replace(/\W+/g, '-')}.objcopy`);
      const o = run(objcopy, [...c.objcopy, src, theirs]);
      assert.is(o.status, 0, o.stderr);
      const e = elfkit(['section', ...c.elfkit.map((x) => (x === '{}' ? src : x)), '-o', ours]);
      assert.is(e.status, 0, e.stderr);
      assert.is(e.stderr, '');
      const a = table(readelf, ours);
      const b = table(readelf, theirs);
      const diff = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: elfkit ${a.get(k)?.slice(0, 120)} | objcopy ${b.get(k)?.slice(0, 120)}`);
      assert.equal(diff, []);
      if (f.runnable && f.arch === 'amd64') {
        const expected = readFileSync(join(fixturesDir, f.expectedStdout!), 'utf8');
        for (const out of [ours, theirs]) {
          const r = run(out, []);
          assert.is(r.status, 0, `${out} exits 0`);
          assert.is(r.stdout, expected, `${out} prints what the input printed`);
        }
      }
    });
  }
}

test.run();
