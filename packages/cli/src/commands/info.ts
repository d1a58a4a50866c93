import { summarizeElf, type DebugSummary, type ElfFile } from '@elfkit/elf';
import { defineCommand } from '../command.js';
import { fileAndJson, withElf } from '../with-elf.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';

/** Extra facts from the DWARF and Go readers (their modules load with the command). */
export type InfoContributor = (elf: ElfFile, path: string) => Record<string, unknown>;

async function contributors(): Promise<InfoContributor[]> {
  const [dwarf, go] = await Promise.all([import('../dwarf/info-facts.js'), import('../go/info.js')]);
  return [dwarf.dwarfInfoFacts, (elf) => go.goInfoFacts(elf)];
}

export function infoModel(elf: ElfFile, path: string, contributors: readonly InfoContributor[]) {
  const model: Record<string, unknown> = { file: path, ...summarizeElf(elf) };
  for (const c of contributors) {
    // A contributor's `debug` facts (DWARF versions) complete the summary rather than replace it.
    const { debug, ...rest } = c(elf, path);
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
  handler: async (a: { file: string; json: boolean }) => {
    const facts = await contributors();
    withElf(a.file, ({ elf }) => {
      const m = infoModel(elf, a.file, facts);
      writeOut(a.json ? toJson(m) + '\n' : text(m));
    });
  },
});
