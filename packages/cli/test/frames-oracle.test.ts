// Oracle tests for `elfkit dwarf frames`: on every fixture (C, C++, objects
// of nine machines, Go of eight) and the machine's libc,
// - `--table` equals `readelf --debug-dump=frames-interp` byte for byte
//   (every entry line and every row);
// - the text equals `llvm-dwarfdump --eh-frame` (which dumps .debug_frame
//   too) entry by entry, except where LLVM 14 is wrong, each case named and
//   proved here:
//   (1) `restore-state-cfa`: LLVM's UnwindTable saves only the register
//       rules on DW_CFA_remember_state, so after DW_CFA_restore_state it
//       keeps the epilogue's CFA. GCC emits `remember_state; def_cfa_offset
//       8; ret; restore_state` around mid-function returns and libgcc's
//       unwinder, gdb and readelf restore the CFA too: the row must differ
//       only in `CFA=`, its entry must have a DW_CFA_restore_state, and
//       readelf's row at that address must show elfkit's CFA.
//   (2) `zero-length-entry`: a zero length field inside `.debug_frame`
//       (Go's linker leaves one between the Go and the cgo parts) makes
//       LLVM print an empty CIE and stop reading: every entry after it is
//       lost. readelf prints `ZERO terminator` and goes on, as elfkit does;
//       the entries after it must all be in readelf's dump too.
//   (3) `s390-pc32`: LLVM's RelocationResolver has no R_390_PC32, so the
//       FDE addresses of an s390x object's .eh_frame stay unrelocated;
//       readelf applies it and agrees with elfkit (the table test).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, realpathSync } from 'node:fs';
import { fixtures, fixturePath, run, skip, which } from '@elfkit/fixtures';
import { elfkit } from './cli.js';

const readelf = which('readelf');
const llvm = which('llvm-dwarfdump');

/** Every fixture with call frame information, and the machine's C library. */
function targets(): { name: string; path: string }[] {
  const list = fixtures()
    .filter((f) => !/\.(dwo|dwp)$/.test(f.name) && !f.name.endsWith('-sw') && !f.name.startsWith('many'))
    .map((f) => ({ name: f.name, path: fixturePath(f) }));
  for (const p of ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/aarch64-linux-gnu/libc.so.6']) if (existsSync(p)) list.push({ name: `libc (${p})`, path: realpathSync(p) });
  return list;
}

const counts = { tableFiles: 0, tableEntries: 0, tableRows: 0, textFiles: 0, textEntries: 0, textRows: 0, causes: new Map<string, number>() };
const note = (cause: string, n = 1) => counts.causes.set(cause, (counts.causes.get(cause) ?? 0) + n);

test('dwarf frames --table equals readelf --debug-dump=frames-interp on every fixture and libc', () => {
  if (!readelf) return skip('frames --table oracle', 'readelf is not on PATH');
  for (const t of targets()) {
    const ours = elfkit(['dwarf', 'frames', '--table', t.path]);
    assert.is(ours.status, 0, `${t.name}: ${ours.stderr}`);
    // -wN: do not follow .gnu_debuglink into a separate debug file (elfkit dumps the file it is given).
    const theirs = run(readelf, ['--debug-dump=frames-interp', '-wN', t.path]).stdout;
    if (!theirs.trim()) {
      assert.is(ours.stdout, '', `${t.name}: readelf prints no frames`);
      continue;
    }
    counts.tableFiles++;
    counts.tableEntries += (theirs.match(/^[0-9a-f]{8} [0-9a-f]+ [0-9a-f]+ (CIE|FDE)/gm) ?? []).length;
    counts.tableRows += (theirs.match(/^[0-9a-f]{8,16} (?!ZERO)\S+ +(?!FDE|CIE)/gm) ?? []).length;
    if (ours.stdout !== theirs) {
      const a = ours.stdout.split('\n');
      const b = theirs.split('\n');
      const i = a.findIndex((l, k) => l !== b[k]);
      assert.unreachable(`${t.name}: line ${i + 1} differs:\n  elfkit:  ${JSON.stringify(a[i])}\n  readelf: ${JSON.stringify(b[i])}`);
    }
  }
});

/** Entries of a text dump: `offset → lines`, per section. */
function entries(text: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let section = '';
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = /^\.(eh_frame|debug_frame) contents:$/.exec(line);
    if (m) {
      section = m[1]!;
      out.set(section, new Map());
      cur = undefined;
      continue;
    }
    const e = /^([0-9a-f]{8}) /.exec(line);
    if (e && section) {
      cur = [line];
      out.get(section)!.set(e[1]!, cur);
    } else if (cur && line) cur.push(line);
  }
  return out;
}

/** readelf's table rows by entry offset and address: `CFA` column text. */
function readelfCfas(path: string): Map<string, string> {
  const m = new Map<string, string>();
  let entry = '';
  for (const line of run(readelf!, ['--debug-dump=frames-interp', '-wN', path]).stdout.split('\n')) {
    const e = /^([0-9a-f]{8}) [0-9a-f]+ [0-9a-f]+ (?:CIE|FDE)/.exec(line);
    if (e) entry = e[1]!;
    const r = /^([0-9a-f]{8,16}) (\S+)/.exec(line);
    if (r && !e && entry && r[2] !== 'ZERO') m.set(`${entry}@${BigInt('0x' + r[1]).toString(16)}`, r[2]!);
  }
  return m;
}

test('dwarf frames equals llvm-dwarfdump --eh-frame entry by entry, but for LLVM bugs named here', () => {
  if (!llvm || !readelf) return skip('frames text oracle', 'llvm-dwarfdump or readelf is not on PATH');
  for (const t of targets()) {
    const ours = elfkit(['dwarf', 'frames', t.path]);
    assert.is(ours.status, 0, `${t.name}: ${ours.stderr}`);
    const theirs = run(llvm, ['--eh-frame', t.path]).stdout;
    const A = entries(ours.stdout);
    const B = entries(theirs);
    if (A.size === 0) continue;
    counts.textFiles++;
    let cfas: Map<string, string> | undefined;
    for (const [sec, mine] of A) {
      const llvmEntries = B.get(sec) ?? new Map<string, string[]>();
      let stopped: string | undefined;
      for (const [off, lines] of mine) {
        const other = llvmEntries.get(off);
        if (stopped !== undefined) {
          // (2): LLVM stopped at a zero-length entry; readelf must have this entry.
          const re = run(readelf, ['--debug-dump=frames', '-wN', t.path]).stdout;
          assert.ok(re.includes(`\n${off} `), `${t.name} ${sec}+0x${off}: after LLVM's stop, readelf must list it`);
          note('zero-length-entry (entries LLVM drops)', mine.size - [...mine.keys()].indexOf(off));
          break;
        }
        if (lines[0]!.endsWith('ZERO terminator') && other && /^[0-9a-f]{8} 00000000 ffffffff CIE$/.test(other[0]!)) {
          assert.is(sec, 'debug_frame', `${t.name}: a zero CIE outside .debug_frame`);
          stopped = off;
          continue;
        }
        assert.ok(other, `${t.name} ${sec}+0x${off}: entry missing from llvm-dwarfdump`);
        counts.textEntries++;
        counts.textRows += lines.filter((l) => /^ {2}(0x[0-9a-f]+: )?CFA=/.test(l)).length;
        if (lines.join('\n') === other!.join('\n')) continue;
        // Line by line, each difference must be a known cause.
        assert.is(lines.length, other!.length, `${t.name} ${sec}+0x${off}: ${lines.length} lines vs LLVM's ${other!.length}:\n${lines.join('\n')}\n---\n${other!.join('\n')}`);
        for (let i = 0; i < lines.length; i++) {
          const a = lines[i]!;
          const b = other![i]!;
          if (a === b) continue;
          const cfaOnly = (s: string) => s.replace(/CFA=[^:]*(:|$)/, 'CFA=…$1');
          if (cfaOnly(a) === cfaOnly(b) && lines.some((l) => l === '  DW_CFA_restore_state:')) {
            // (1): readelf restores the CFA as elfkit does.
            const addr = /^ {2}0x([0-9a-f]+):/.exec(a)![1]!;
            cfas ??= readelfCfas(t.path);
            const ourCfa = /CFA=([^:]*)/.exec(a)![1]!.toLowerCase().replace(/^(\w+)$/, '$1+0');
            assert.is(cfas.get(`${off}@${addr}`), ourCfa, `${t.name} ${sec}+0x${off} 0x${addr}: readelf's CFA`);
            note('restore-state-cfa (rows)');
            continue;
          }
          if (/^[0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} FDE /.test(a) && t.name === 'obj/s390x.o') {
            note('s390-pc32 (FDE addresses)');
            continue;
          }
          if (/^ {2}0x[0-9a-f]+: /.test(a) && t.name === 'obj/s390x.o') {
            note('s390-pc32 (rows)');
            continue;
          }
          assert.unreachable(`${t.name} ${sec}+0x${off} differs:\n  elfkit: ${JSON.stringify(a)}\n  llvm:   ${JSON.stringify(b)}`);
        }
      }
    }
  }
});

test('summary', () => {
  const causes = [...counts.causes].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
  process.stdout.write(
    `\nframes oracle: readelf -wF: ${counts.tableFiles} files, ${counts.tableEntries} entries, ${counts.tableRows} rows identical; ` +
      `llvm-dwarfdump: ${counts.textFiles} files, ${counts.textEntries} entries, ${counts.textRows} rows compared; LLVM differences by cause: ${causes}\n`,
  );
});

test.run();
