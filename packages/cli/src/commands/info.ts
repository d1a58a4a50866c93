import { summarizeElf, type DebugSummary, type ElfFile } from '@elfkit/elf';
import { defineCommand } from '../command.js';
import type { Damage } from '../damage.js';
import { fileAndJson, withElfAsync } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';

/** Extra facts from the DWARF and Go readers (their modules load with the command); damage they step over goes to `onError`. */
export type InfoContributor = (elf: ElfFile, path: string, onError: (e: unknown) => void) => Record<string, unknown>;

/**
 * The readers this file needs: the DWARF reader when it has debug sections
 * or a link to a separate debug file, the Go reader unless its sections
 * say it is not Go (a file without section headers may be either). A C
 * binary without DWARF loads neither.
 */
async function contributors(elf: ElfFile, damage: Damage): Promise<InfoContributor[]> {
  const names = elf.sections.map((s) => s.name);
  const dwarf = names.some((n) => /^\.(z?debug_|gnu_debuglink$)/.test(n)) || elf.sections.length === 0;
  const go = elf.sections.length === 0 || names.some((n) => n === '.gopclntab' || n === '.go.buildinfo' || n === '.note.go.buildid' || n === '.data.rel.ro.gopclntab') || damage.attempt(() => elf.symbols().some((s) => s.name === 'runtime.text'), false);
  const out: InfoContributor[] = [];
  if (dwarf) out.push((await import('../dwarf/info-facts.js')).dwarfInfoFacts);
  if (go) {
    const g = await import('../go/info.js');
    out.push((e) => g.goInfoFacts(e));
  } else out.push(() => ({ go: null }));
  return out;
}

export function infoModel(elf: ElfFile, path: string, contributors: readonly InfoContributor[], damage: Damage) {
  // Each fact on its own: a damaged part leaves the others standing (and is reported).
  const model: Record<string, unknown> = { file: path, ...summarizeElf(elf, damage.add) };
  for (const c of contributors) {
    // A contributor's `debug` facts (DWARF versions) complete the summary rather than replace it.
    const { debug, ...rest } = damage.attempt(() => c(elf, path, damage.add), {} as Record<string, unknown>);
    if (debug && typeof debug === 'object') Object.assign(model.debug as DebugSummary, debug);
    Object.assign(model, rest);
  }
  return model;
}

function text(m: Record<string, unknown>): string {
  const d = m.debug as DebugSummary;
  const rows: [string, string][] = [
    ['File', String(m.file)],
    ['Class', `${m.class}, ${m.data}`],
    ['Machine', `${m.machine} (${m.arch})`],
    ['Type', String(m.type)],
    ['OS/ABI', String(m.osabi)],
    ['Entry', '0x' + (m.entry as bigint).toString(16)],
  ];
  if (m.interpreter) rows.push(['Interpreter', String(m.interpreter)]);
  rows.push(['Build ID', m.buildId ? String(m.buildId) : '(none)']);
  rows.push(['Sections', `${m.sections}, segments ${m.segments}${m.stripped ? ', no .symtab (stripped)' : ''}`]);
  let dwarf = d.present ? `yes${d.versions.length ? `, version ${d.versions.join(', ')}` : ''}${d.compression.length ? `, compressed (${d.compression.join(', ')})` : ''}` : 'no';
  if (!d.present && d.separate.debuglink) dwarf += `, separate file ${d.separate.debuglink} (.gnu_debuglink)`;
  rows.push(['DWARF', dwarf]);
  if (m.go) {
    const g = m.go as Record<string, unknown>;
    rows.push(['Go', String(g.version ?? 'yes')]);
  }
  const w = Math.max(...rows.map((r) => r[0].length)) + 1;
  return rows.map(([k, v]) => `${(k + ':').padEnd(w)} ${v}`).join('\n') + '\n';
}

export const infoCommand = defineCommand({
  command: 'info <file>',
  describe: 'summarize a binary: class, machine, type, entry, interpreter, build id, DWARF, Go',
  builder: (y) => fileAndJson(y, '$0 info ./app'),
  handler: (a: { file: string; json: boolean }) =>
    withElfAsync(a.file, async ({ elf, damage }) => {
      const facts = await contributors(elf, damage);
      const m = infoModel(elf, a.file, facts, damage);
      writeOut(a.json ? toJson(m) + '\n' : text(m));
    }),
});
