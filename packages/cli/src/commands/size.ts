import { isParseError } from '@elfkit/binary';
import type { ElfFile } from '@elfkit/elf';
import { DATA_SOURCES, SizeError, SizeModel, diffTrees, formatDelimited, formatRows, sizeRows, type DataSource, type SizeNode, type SizeRow, type SortBy, type Domain } from '@elfkit/size';
import { defineCommand } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';
import { openElf, type OpenedElf } from '@elfkit/symbolize/node';

interface SizeArgs {
  file: string;
  'data-sources'?: string;
  'max-rows': number;
  sort: string;
  domain: string;
  json: boolean;
  csv: boolean;
  tsv: boolean;
  'debug-file'?: string[];
  diff?: string;
}

/** The `-d` list: names from DATA_SOURCES, comma-separated. */
function parseSources(spec: string | undefined): DataSource[] {
  const names = (spec ?? 'sections').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const known = new Set<string>(DATA_SOURCES.map((d) => d.name));
  for (const n of names) if (!known.has(n)) throw new UsageError(`unknown data source '${n}' (one of: ${[...known].join(', ')})`);
  if (names.length === 0) throw new UsageError('-d needs at least one data source');
  return names as DataSource[];
}

/**
 * The debug file among `debugFiles` that goes with `elf`: the one whose
 * build id matches (bloaty's rule), else — when neither has a build id and
 * there is one debug file — that one.
 */
function debugFileFor(elf: ElfFile, debugFiles: OpenedElf[]): ElfFile | undefined {
  const id = elf.buildId();
  for (const d of debugFiles) if (id && d.elf.buildId() === id) return d.elf;
  if (debugFiles.length === 1 && (!id || !debugFiles[0]!.elf.buildId())) return debugFiles[0]!.elf;
  return undefined;
}

function treeOf(path: string, elf: ElfFile, sources: DataSource[], debugFiles: OpenedElf[]): SizeNode {
  const model = new SizeModel(elf, { debugFile: debugFileFor(elf, debugFiles) });
  try {
    const tree = model.tree(sources);
    for (const e of model.errors) process.stderr.write(`elfkit: ${path}: ${e.message} (skipped)\n`);
    if (model.errors.length) process.exitCode = 1;
    return tree;
  } catch (e) {
    if (e instanceof SizeError) throw new CliError(e.message);
    throw e;
  }
}

/** JSON of a row: sizes in bytes; in a diff, deltas with the old sizes. */
function rowJson(r: SizeRow): unknown {
  return {
    label: r.label,
    vmSize: r.vmSize,
    fileSize: r.fileSize,
    ...(r.oldVmSize !== undefined ? { oldVmSize: r.oldVmSize, oldFileSize: r.oldFileSize } : {}),
    ...(r.othersCount ? { othersCount: r.othersCount } : {}),
    ...(r.children.length ? { children: r.children.map(rowJson) } : {}),
  };
}

export const sizeCommand = defineCommand({
  command: 'size <file>',
  describe: "where the bytes go: file and VM size by section, segment, symbol, compile unit, source line or Go package (bloaty's model)",
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'ELF file to measure (the new one in a diff)', demandOption: true })
      .option('data-sources', {
        alias: 'd',
        type: 'string',
        describe: `comma-separated data sources, nested in order (${DATA_SOURCES.map((d) => d.name).join(', ')}); default sections`,
      })
      .option('max-rows', { alias: 'n', type: 'number', default: 20, describe: 'rows per level before the rest collapse into [N Others]; 0 shows all' })
      .option('sort', { alias: 's', type: 'string', choices: ['vm', 'file', 'both'] as const, default: 'both', describe: 'order rows by VM size, file size or the larger of the two' })
      .option('domain', { type: 'string', choices: ['vm', 'file', 'both'] as const, default: 'both', describe: 'which columns to print' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema: docs/json-size.md)' })
      .option('csv', { type: 'boolean', default: false, describe: 'print CSV as bloaty does: the labels, then vmsize,filesize in bytes' })
      .option('tsv', { type: 'boolean', default: false, describe: 'as --csv, tab-separated' })
      .option('debug-file', { type: 'string', array: true, describe: 'a separate debug file (symbols and DWARF), matched by build id' })
      .option('diff', { type: 'string', describe: 'the old file: print the growth from it (also: elfkit size NEW -- OLD)' })
      .example('$0 size ./app -d compileunits,symbols -n 10', '')
      .example('$0 size ./app -d go-packages', '')
      .example('$0 size ./app.new -- ./app.old', ''),
  handler: (a: SizeArgs & { _?: (string | number)[] }) => {
    const sources = parseSources(a['data-sources']);
    const extra = (a._ ?? []).slice(1).map(String);
    if (extra.length > 1 || (extra.length === 1 && a.diff)) throw new UsageError('give one old file to diff against (NEW -- OLD or --diff OLD)');
    const oldPath = a.diff ?? extra[0];
    if ([a.json, a.csv, a.tsv].filter(Boolean).length > 1) throw new UsageError('--json, --csv and --tsv exclude each other');
    const opened: OpenedElf[] = [];
    try {
      // Opened leniently: with a section header table that cannot be read, the segments still measure (reported, exit status 1).
      const open = (p: string) => {
        const o = openElf(p, { lenient: true });
        opened.push(o);
        return o;
      };
      const debugFiles = (a['debug-file'] ?? []).map(open);
      const current = open(a.file);
      let tree: SizeNode = treeOf(a.file, current.elf, sources, debugFiles);
      if (oldPath) {
        let old: OpenedElf;
        try {
          old = open(oldPath);
        } catch (e) {
          throw new CliError(`${oldPath}: ${isParseError(e) ? e.message : ((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message)}`);
        }
        tree = diffTrees(tree, treeOf(oldPath, old.elf, sources, debugFiles));
      }
      const rows = sizeRows(tree, { maxRows: a['max-rows'], sortBy: a.sort as SortBy });
      if (a.json) writeOut(toJson({ file: a.file, ...(oldPath ? { old: oldPath } : {}), sources, fileSize: current.elf.source.size, total: rowJson(rows) }) + '\n');
      else if (a.csv || a.tsv) writeOut(formatDelimited(rows, sources, a.tsv));
      else writeOut(formatRows(rows, { diff: oldPath !== undefined, domain: a.domain as Domain }));
    } finally {
      for (const o of opened) {
        for (const w of o.elf.warnings) process.stderr.write(`elfkit: ${o.path}: ${w.message}\n`);
        if (o.elf.warnings.length) process.exitCode = 1;
        o.close();
      }
    }
  },
});
