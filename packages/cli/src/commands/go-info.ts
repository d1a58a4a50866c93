import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { isParseError } from '@elfkit/binary';
import { inspectGo } from '@elfkit/gosym';
import { describeError } from '../errors.js';
import { goInfoModel } from '../go/info.js';
import { imageOf } from '../go/symbols.js';
import { writeErr, writeOut } from '../io/output.js';

type Model = ReturnType<typeof goInfoModel>;

function text(m: Model): string {
  const rows: [string, string][] = [['File', m.file]];
  const kind = m.kind === 'not-go' ? 'not a Go binary' : m.kind === 'corrupt' ? 'corrupt Go metadata' : null;
  if (kind) rows.push(['Go', kind]);
  else rows.push(['Go', m.version ?? `unknown (no build info; pclntab format of ${m.versionFromPclntab})`]);
  if (m.buildId) rows.push(['Build ID', m.buildId]);
  if (m.path) rows.push(['Path', m.path]);
  const main = m.main as { path: string; version: string; sum: string } | null;
  if (main) rows.push(['Main module', [main.path, main.version, main.sum].filter(Boolean).join(' ')]);
  if (m.deps) rows.push(['Dependencies', String(m.deps)]);
  if (m.vcs) rows.push(['VCS', `${m.vcs.system} ${m.vcs.revision ?? '?'}${m.vcs.time ? ' ' + m.vcs.time : ''}${m.vcs.modified === null ? '' : m.vcs.modified ? ' (modified)' : ' (clean)'}`]);
  if (m.goos || m.goarch) rows.push(['GOOS/GOARCH', `${m.goos ?? '?'}/${m.goarch ?? '?'}`]);
  const other = m.settings.filter((s) => !/^(GOOS|GOARCH|vcs(\..*)?)$/.test(s.key));
  if (other.length) rows.push(['Build settings', other.map((s) => `${s.key}=${s.value}`).join('\n')]);
  const p = m.pclntab;
  if (p) {
    rows.push(['pclntab', `magic ${p.magic} (${p.releases}), ${p.order} endian, quantum ${p.quantum}, pointer size ${p.pointerSize}`]);
    rows.push(['pclntab at', `0x${p.address.toString(16)}, ${p.size} bytes (${p.source})`]);
    rows.push(['Text start', `0x${p.textStart.toString(16)} (${p.textStartSource})`]);
    rows.push(['Functions', String(p.funcs)]);
    rows.push(['Files', String(p.files)]);
  } else if (m.kind !== 'not-go') rows.push(['pclntab', 'none']);
  const st = m.stripped;
  rows.push(['Stripped', st.symtab && st.dwarf ? 'yes (no symbol table, no DWARF: -s -w)' : st.symtab ? 'symbol table removed (-s)' : st.dwarf ? 'DWARF removed (-w)' : 'no']);
  for (const e of m.errors) rows.push(['Error', e]);
  const w = Math.max(...rows.map((r) => r[0].length)) + 1;
  return rows.map(([k, v]) => `${(k + ':').padEnd(w)} ${v.replaceAll('\n', '\n' + ' '.repeat(w + 1))}`).join('\n') + '\n';
}

export const goInfoCommand = defineCommand({
  command: 'info <file>',
  describe: 'Go version, build id, main module, VCS stamp, GOOS/GOARCH and settings, pclntab format and counts, stripped or not',
  builder: (y) => fileAndJson(y, '$0 go info ./app'),
  handler: (a: { file: string; json: boolean }) =>
    withElf(a.file, ({ elf, damage }) => {
      const g = inspectGo(imageOf(elf));
      const m = goInfoModel(elf, a.file, g);
      writeOut(a.json ? toJson(m) + '\n' : text(m));
      // A damaged part (build info, pclntab, build ID note) is in the listing's errors, and reported as every command reports damage.
      for (const e of g.errors) {
        if (isParseError(e)) damage.add(e);
        else writeErr(describeError(a.file, e) + '\n');
      }
      if (m.kind !== 'go' || g.errors.length) process.exitCode = 1;
    }),
});
