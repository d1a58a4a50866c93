import { isParseError, type ParseError } from '@elfkit/binary';
import { TypeLookupError, type DwarfType } from '@elfkit/dwarf';
import { defineCommand } from '../command.js';
import { withElfAsync } from '../with-elf.js';
import { debuginfodOption, fetchDebuginfo } from '../debuginfod/fetch-debuginfo.js';
import { CliError } from '../errors.js';
import { toJson } from '../format/json.js';
import { OutputBuffer } from '../io/output.js';
import { layoutJson, layoutText } from '../dwarf/layout-text.js';
import { NodeDebugHost } from '@elfkit/symbolize/node';
import { noTypesError, openTypes } from '../dwarf/open-types.js';
import { reportErrors } from '../go/errors.js';
import { debugDirOption, debugDirs } from '../options/debug-dirs.js';
import { errorJson } from '../format/error-json.js';

interface TypesArgs {
  file: string;
  name?: string | string[];
  json?: boolean;
  'debug-file-directory'?: string | string[];
  debuginfod?: boolean;
}

const isLayout = (t: DwarfType | undefined) => t !== undefined && (t.kind === 'struct' || t.kind === 'class' || t.kind === 'union') && !t.declaration;

/** Splits `--name a,b` at the commas outside brackets (Go names such as `func(int, int)` hold commas). */
function splitNames(v: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of v) {
    if (ch === '(' || ch === '[' || ch === '{' || ch === '<') depth++;
    else if (ch === ')' || ch === ']' || ch === '}' || ch === '>') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter(Boolean);
}

/** `elfkit dwarf types`: type layouts as pahole prints them. */
export const typesCommand = defineCommand({
  command: 'types <file>',
  describe: 'type layouts as pahole prints them: members with offset and size, bit fields, holes (--name for one type)',
  builder: (y) =>
    debugDirOption(
      debuginfodOption(y)
        .positional('file', { type: 'string', demandOption: true, describe: 'ELF file with DWARF (or with a separate debug file)' })
        .option('name', {
          type: 'string',
          requiresArg: true,
          describe: 'only this type (runtime.g, point, struct point, geo::Rect); repeat or separate with commas, as pahole -C',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-dwarf.md)' })
        .example('$0 dwarf types --name runtime.g ./app', '')
        .example('$0 dwarf types --name sched ./app', ''),
    ),
  handler: (a: TypesArgs) =>
    withElfAsync(a.file, async ({ elf }) => {
      const dirs = debugDirs(a['debug-file-directory']);
      const fetched = await fetchDebuginfo(elf, a.file, dirs, a.debuginfod);
      const host = new NodeDebugHost();
      try {
        const o = openTypes(elf, a.file, host, dirs, fetched);
        if (!o) throw noTypesError(elf);
        const { types } = o;
        const errors: ParseError[] = [];
        const names = a.name === undefined ? undefined : (Array.isArray(a.name) ? a.name : [a.name]).flatMap(splitNames);
        const out = new OutputBuffer();
        const json: Record<string, unknown>[] = [];
        // A type whose DIEs are damaged is reported and the others still printed.
        const emit = (t: DwarfType) => {
          try {
            if (a.json) json.push(layoutJson(t));
            else out.write(layoutText(t));
          } catch (e) {
            if (!isParseError(e)) throw e;
            errors.push(e);
          }
        };
        const missing: string[] = [];
        if (names) {
          for (const n of names) {
            let t: DwarfType | undefined;
            try {
              t = types.findType(n);
            } catch (e) {
              if (!isParseError(e)) throw e;
              errors.push(e);
              continue;
            }
            if (t) emit(t);
            else missing.push(n);
          }
        } else {
          const seen = new Set<string>();
          // Every struct, class and union with a name (its own, or a typedef's for an anonymous one), each once, as pahole lists them.
          for (const t of types.namedTypes((e) => errors.push(e))) {
            let s: DwarfType | undefined;
            try {
              s = t.kind === 'typedef' ? t.strip() : t;
            } catch (e) {
              if (!isParseError(e)) throw e;
              errors.push(e);
              continue;
            }
            if (!isLayout(s)) continue;
            const shown = s!.name === undefined ? t : s!;
            const key = `${shown.kind} ${shown.name}`;
            if ((s!.name === undefined) === (t.kind !== 'typedef') || seen.has(key)) continue;
            seen.add(key);
            emit(shown);
          }
        }
        errors.unshift(...types.errors);
        if (a.json) out.write(toJson({ file: a.file, source: o.opened.source, types: json, errors: errors.map(errorJson) }) + '\n');
        out.flush();
        reportErrors(a.file, errors);
        if (missing.length) throw new CliError(`no type named ${missing.join(', ')} in the DWARF`);
      } catch (e) {
        if (e instanceof TypeLookupError) throw new CliError(e.message);
        throw e;
      } finally {
        host.close();
      }
    }),
});
