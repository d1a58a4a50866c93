import type { Argv } from 'yargs';
import { ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import { SplitResolver, type Dwarf, type Unit } from '@elfkit/dwarf';
import { defineCommand } from '../command.js';
import { withElfAsync } from '../with-elf.js';
import { debuginfodOption, fetchDebuginfo } from '../debuginfod/fetch-debuginfo.js';
import { CliError } from '../errors.js';
import { toJson, hx } from '../format/json.js';
import { OutputBuffer, writeOut } from '../io/output.js';
import { describeDie, hexw, opViews, type DieView } from '../dwarf/describe.js';
import { writeDie, baseTypeWriter, TypeNames, unitHeaderText, type InfoTextOptions } from '../dwarf/info-text.js';
import { writeExpression } from '../dwarf/expr-text.js';
import { escapeString, TextOut } from '../io/text-out.js';
import { attrText, formText, tagText, unitTypeText } from '../dwarf/names.js';
import { errorSink as sink, openDwarf, type OpenedDwarf } from '@elfkit/symbolize';
import { NodeDebugHost } from '@elfkit/symbolize/node';
import { listReferences } from '../dwarf/list-refs.js';
import { debugDirOption, debugDirs } from '../options/debug-dirs.js';
import { errorJson } from '../format/error-json.js';

/** Arguments every `elfkit dwarf` subcommand takes. */
interface DwarfArgs {
  file: string;
  json?: boolean;
  'debug-file-directory'?: string | string[];
  debuginfod?: boolean;
}

export { debugDirOption, debugDirs } from '../options/debug-dirs.js';
export { errorJson } from '../format/error-json.js';

function common(y: Argv, example: string) {
  return debugDirOption(
    debuginfodOption(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file (a binary, a .debug, .dwo or .dwp file)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-dwarf.md)' })
      .example(example, ''),
  );
}

/**
 * Runs `fn` with the DWARF of the file open, prints the errors collected
 * (each a ParseError naming section and offset) and exits 1 when there
 * were any, after everything readable was printed.
 */
async function withDwarf(a: DwarfArgs, fn: (od: OpenedDwarf, errors: ParseError[]) => void): Promise<void> {
  await withElfAsync(a.file, async ({ elf, damage }) => {
    const dirs = debugDirs(a['debug-file-directory']);
    const fetched = await fetchDebuginfo(elf, a.file, dirs, a.debuginfod);
    const host = new NodeDebugHost();
    try {
      const od = openDwarf(elf, a.file, host, { debugFileDirectory: dirs, fetched });
      if (!od) throw new CliError('no DWARF (no .debug_info or .debug_line, and no separate debug file found)');
      const errors: ParseError[] = [];
      try {
        fn(od, errors);
      } finally {
        // Reported with the file's other damage, once each, after the output.
        for (const e of errors) damage.add(e);
      }
    } finally {
      host.close();
    }
  });
}

/** Pushes ParseErrors into `errors`; rethrows anything else (a bug). */
function unitJson(u: Unit) {
  const h = u.header;
  return {
    offset: h.offset,
    section: h.section,
    length: h.length,
    format: `DWARF${h.offsetSize * 8}`,
    version: h.version,
    unitType: unitTypeText(h.unitType),
    abbrOffset: h.abbrevOffset,
    addressSize: h.addressSize,
    typeSignature: h.typeSignature ?? null,
    typeOffset: h.typeOffset ?? null,
    dwoId: h.dwoId ?? null,
    nextUnit: h.end,
  };
}

/** Every unit: `.debug_info`, then DWARF 4 `.debug_types`. */
function* allUnits(d: Dwarf, errors: ParseError[]): Generator<Unit> {
  yield* d.units(sink(errors));
  yield* d.typeUnits(sink(errors));
}

// ---- dwarf units -----------------------------------------------------------

export const unitsCommand = defineCommand({
  command: 'units <file>',
  describe: 'list units: header, name, comp_dir, producer, language, line table, split-DWARF file',
  builder: (y) => common(y, '$0 dwarf units ./app'),
  handler: (a: DwarfArgs) =>
    withDwarf(a, (od, errors) => {
      const rows: Record<string, unknown>[] = [];
      const out = new OutputBuffer();
      for (const u of allUnits(od.dwarf, errors)) {
        const j: Record<string, unknown> = unitJson(u);
        let root: D.UnitRoot | undefined;
        try {
          root = u.root();
        } catch (e) {
          sink(errors)(e);
        }
        j.tag = root ? tagText(root.tag) : null;
        j.name = root?.name ?? null;
        j.compDir = root?.compDir ?? null;
        j.producer = root?.producer ?? null;
        j.language = root?.language !== undefined ? (D.langName(root.language) ?? root.language) : null;
        j.stmtList = root?.stmtList ?? null;
        j.dwoName = root?.dwoName ?? null;
        j.split = null;
        if (SplitResolver.isSkeleton(u)) {
          try {
            const s = od.split.splitUnit(u);
            j.split = s ? { path: s.path, via: s.via, offset: s.unit.offset } : null;
          } catch (e) {
            sink(errors)(e);
          }
        }
        if (a.json) rows.push(j);
        else {
          out.write(unitHeaderText(u) + '\n');
          const facts = [
            j.name !== null ? `name = "${escapeString(String(j.name))}"` : '',
            j.compDir !== null ? `comp_dir = "${escapeString(String(j.compDir))}"` : '',
            j.language !== null ? `language = ${j.language}` : '',
            j.stmtList !== null ? `stmt_list = ${hx(j.stmtList as number)}` : '',
          ].filter(Boolean);
          if (facts.length) out.write('  ' + facts.join(', ') + '\n');
          if (j.producer !== null) out.write(`  producer = "${escapeString(String(j.producer))}"\n`);
          if (j.dwoName !== null) {
            const s = j.split as { path: string; via: string } | null;
            out.write(`  dwo_name = "${escapeString(String(j.dwoName))}": ${s ? `${s.path} (${s.via})` : 'split unit not found'}\n`);
          }
        }
      }
      if (a.json) writeOut(toJson({ file: a.file, source: od.source, sup: od.supPath ?? null, units: rows, errors: errors.map(errorJson) }) + '\n');
      else out.flush();
    }),
});

// ---- dwarf info ------------------------------------------------------------

interface InfoArgs extends DwarfArgs {
  offset?: string;
  name?: string;
  'show-form'?: boolean;
  dwo?: boolean;
}

/** Writes DIEs as text or JSON, unit by unit, streaming. */
class DieWriter {
  private readonly out = new TextOut(1 << 20);
  private firstUnit = true;
  private firstDie = true;
  readonly names: TypeNames;
  constructor(
    private readonly json: boolean,
    private readonly opts: InfoTextOptions,
    dwarf: Dwarf,
  ) {
    this.names = new TypeNames(dwarf);
  }
  begin(file: string, od: OpenedDwarf): void {
    if (this.json) this.out.utf8(`{"file":${JSON.stringify(file)},"source":${toJson(od.source, false)},"units":[`);
    else this.out.utf8(`${od.dwarf.sections.name('info')} contents:\n`);
  }
  unit(u: Unit, extra: Record<string, unknown> = {}): void {
    if (this.json) {
      const head = toJson({ ...unitJson(u), ...extra }, false);
      this.out.utf8((this.firstUnit ? '\n' : ']},\n') + head.slice(0, -1) + ',"dies":[');
      this.firstDie = true;
    } else this.out.utf8(unitHeaderText(u) + '\n');
    this.firstUnit = false;
  }
  die(u: Unit, c: D.DieCursor): void {
    if (this.json) {
      const v: DieView = describeDie(u, c);
      this.out.utf8((this.firstDie ? '\n' : ',\n') + toJson(v, false));
      this.firstDie = false;
    } else writeDie(this.out, u, c, this.opts, this.names);
  }
  end(errors: ParseError[]): void {
    if (this.json) this.out.utf8(`${this.firstUnit ? '' : ']}'}\n],"errors":${toJson(errors.map(errorJson), false)}}\n`);
    this.out.flush();
  }
}

/** Dumps the DIEs of `u` from the cursor's position; a ParseError ends this unit only. */
function dumpEntries(w: DieWriter, u: Unit, c: D.DieCursor, errors: ParseError[], subtree: boolean): void {
  try {
    const base = c.depth;
    let started = false;
    while (c.nextEntry()) {
      if (subtree && started && c.depth <= base) break;
      started = true;
      w.die(u, c);
      if (subtree && c.depth === base && !c.hasChildren) break;
    }
  } catch (e) {
    sink(errors)(e);
  }
}

function parseOffset(s: string): number {
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s.slice(2), 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n)) throw new CliError(`bad offset ${s} (want 0x… or a decimal number)`, 2);
  return n;
}

export const infoCommand = defineCommand({
  command: 'info <file>',
  describe: 'dump DIEs as llvm-dwarfdump --debug-info does (or one DIE and its subtree)',
  builder: (y) =>
    common(y, '$0 dwarf info ./app')
      .option('offset', { type: 'string', describe: 'only the DIE at this .debug_info offset (0x…) and its children' })
      .option('name', { type: 'string', describe: 'only DIEs whose DW_AT_name (or linkage name) is exactly this, with their children' })
      .option('show-form', { type: 'boolean', default: false, describe: 'print each attribute form ([DW_FORM_…])' })
      .option('dwo', { type: 'boolean', default: false, describe: 'after each skeleton unit, dump its split unit (.dwo or .dwp)' })
      .conflicts('offset', 'name')
      .example('$0 dwarf info --offset 0x2a ./app', '')
      .example('$0 dwarf info --name main --json ./app', ''),
  handler: (a: InfoArgs) =>
    withDwarf(a, (od, errors) => {
      const d = od.dwarf;
      const w = new DieWriter(!!a.json, { showForm: !!a['show-form'], machine: od.elf.header.machine }, d);
      w.begin(a.file, od);
      if (a.offset !== undefined) {
        const off = parseOffset(a.offset);
        const u = d.unitContaining(off);
        if (!u) throw new CliError(`no unit of ${d.sections.name('info')} contains offset ${hx(off)}`);
        w.unit(u);
        dumpEntries(w, u, u.entriesAt(off), errors, true);
      } else {
        for (const u of allUnits(d, errors)) {
          if (a.name !== undefined) {
            let shown = false;
            try {
              const c = u.entries();
              while (c.next()) {
                const n = c.attr(D.DW_AT_name) ?? c.attr(D.DW_AT_linkage_name);
                if (!n || u.attrString(n) !== a.name) continue;
                if (!shown) w.unit(u);
                shown = true;
                dumpEntries(w, u, u.entriesAt(c.offset), errors, true);
              }
            } catch (e) {
              sink(errors)(e);
            }
            continue;
          }
          w.unit(u);
          dumpEntries(w, u, u.entries(), errors, false);
          if (a.dwo && SplitResolver.isSkeleton(u)) {
            try {
              const s = od.split.splitUnit(u);
              if (s) {
                w.unit(s.unit, { file: s.path, via: s.via, skeleton: u.offset });
                dumpEntries(w, s.unit, s.unit.entries(), errors, false);
              } else errors.push(new ParseError('out-of-range', `split unit of skeleton at ${hx(u.offset)} (${u.root().dwoName ?? '?'}) not found`, d.sections.name('info'), u.offset));
            } catch (e) {
              sink(errors)(e);
            }
          }
        }
      }
      w.end(errors);
    }),
});

// ---- dwarf abbrev ----------------------------------------------------------

export const abbrevCommand = defineCommand({
  command: 'abbrev <file>',
  describe: 'dump the abbreviation tables the units use',
  builder: (y) => common(y, '$0 dwarf abbrev ./app'),
  handler: (a: DwarfArgs) =>
    withDwarf(a, (od, errors) => {
      const seen = new Set<number>();
      const tables: { offset: number; abbrevs: unknown[] }[] = [];
      const out = new OutputBuffer();
      if (!a.json) out.write('.debug_abbrev contents:\n');
      for (const t of abbrevTables(od.dwarf, errors)) {
        const off = t.offset;
        if (seen.has(off)) continue;
        seen.add(off);
        const list = [...t.all()];
        if (a.json) {
          tables.push({
            offset: off,
            abbrevs: list.map((x) => ({
              code: x.code,
              tag: tagText(x.tag),
              children: x.hasChildren,
              attributes: x.names.map((n, i) => ({ name: attrText(n), form: formText(x.forms[i]!), ...(x.implicitConst[i] !== undefined ? { value: x.implicitConst[i] } : {}) })),
            })),
          });
          continue;
        }
        out.write(`Abbrev table for offset: ${hexw(off, 8)}\n`);
        for (const x of list) {
          out.write(`[${x.code}] ${tagText(x.tag)}\tDW_CHILDREN_${x.hasChildren ? 'yes' : 'no'}\n`);
          x.names.forEach((n, i) => out.write(`\t${attrText(n)}\t${formText(x.forms[i]!)}${x.implicitConst[i] !== undefined ? '\t' + String(x.implicitConst[i]) : ''}\n`));
          out.write('\n');
        }
      }
      if (a.json) writeOut(toJson({ file: a.file, tables, errors: errors.map(errorJson) }) + '\n');
      else out.flush();
    }),
});

/**
 * The abbreviation tables the units use, in unit order; when no unit can
 * be read (a damaged `.debug_info`), every table in section order, as
 * llvm-dwarfdump --debug-abbrev walks them.
 */
function* abbrevTables(dwarf: D.Dwarf, errors: ParseError[]): Generator<D.AbbrevTable> {
  let units = 0;
  for (const u of allUnits(dwarf, errors)) {
    units++;
    try {
      yield u.abbrevs();
    } catch (e) {
      sink(errors)(e);
    }
  }
  if (units > 0 || errors.length === 0) return;
  let bytes: Uint8Array;
  try {
    bytes = dwarf.sections.bytes('abbrev');
  } catch (e) {
    return sink(errors)(e);
  }
  for (let at = 0; at < bytes.length; ) {
    let t: D.AbbrevTable;
    try {
      t = dwarf.abbrevTable(at);
    } catch (e) {
      return sink(errors)(e);
    }
    yield t;
    if (t.end <= at) return;
    at = t.end;
  }
}

// ---- dwarf aranges ---------------------------------------------------------

export const arangesCommand = defineCommand({
  command: 'aranges <file>',
  describe: 'dump .debug_aranges: the address ranges of each compilation unit',
  builder: (y) => common(y, '$0 dwarf aranges ./app'),
  handler: (a: DwarfArgs) =>
    withDwarf(a, (od, errors) => {
      const sets: D.ArangeSet[] = [];
      try {
        for (const s of od.dwarf.aranges(sink(errors))) sets.push(s);
      } catch (e) {
        sink(errors)(e);
      }
      if (a.json) {
        writeOut(
          toJson({
            file: a.file,
            sets: sets.map((s) => ({
              offset: s.offset,
              length: s.length,
              format: `DWARF${s.offsetSize * 8}`,
              version: s.version,
              cuOffset: s.debugInfoOffset,
              addressSize: s.addressSize,
              segmentSelectorSize: s.segmentSelectorSize,
              ranges: s.entries.map((e) => ({ address: e.address, length: e.length, end: e.address + e.length })),
            })),
            errors: errors.map(errorJson),
          }) + '\n',
        );
        return;
      }
      const out = new OutputBuffer();
      out.write('.debug_aranges contents:\n');
      for (const s of sets) {
        out.write(
          `Address Range Header: length = ${hexw(s.length, s.offsetSize * 2)}, format = DWARF${s.offsetSize * 8}, version = ${hexw(s.version, 4)}, cu_offset = ${hexw(s.debugInfoOffset, s.offsetSize * 2)}, addr_size = ${hexw(s.addressSize, 2)}, seg_size = ${hexw(s.segmentSelectorSize, 2)}\n`,
        );
        for (const e of s.entries) out.write(`[${hexw(e.address, s.addressSize * 2)}, ${hexw(e.address + e.length, s.addressSize * 2)})\n`);
      }
      out.flush();
    }),
});

// ---- dwarf ranges / locations -------------------------------------------------

export const rangesCommand = defineCommand({
  command: 'ranges <file>',
  describe: 'dump the range lists the DIEs refer to (.debug_ranges, .debug_rnglists), entry by entry',
  builder: (y) => common(y, '$0 dwarf ranges ./app'),
  handler: (a: DwarfArgs) => withDwarf(a, (od, errors) => dumpLists(a, od, errors, 'ranges')),
});

export const locationsCommand = defineCommand({
  command: 'locations <file>',
  describe: 'dump the location lists the DIEs refer to (.debug_loc, .debug_loclists) with decoded expressions',
  builder: (y) => common(y, '$0 dwarf locations ./app'),
  handler: (a: DwarfArgs) => withDwarf(a, (od, errors) => dumpLists(a, od, errors, 'locations')),
});

function dumpLists(a: DwarfArgs, od: OpenedDwarf, errors: ParseError[], kind: 'ranges' | 'locations'): void {
  const refs = listReferences(od.dwarf, kind, sink(errors));
  const machine = od.elf.header.machine;
  const json: unknown[] = [];
  const out = new TextOut(1 << 20);
  let section = '';
  for (const r of refs) {
    const u = r.unit;
    const aw = u.header.addressSize * 2;
    if (!a.json && r.section !== section) {
      section = r.section;
      out.ascii(`${section} contents:\n`);
    }
    const entries: unknown[] = [];
    if (!a.json) out.hex(r.offset, 8).ascii(':\n');
    try {
      const list = kind === 'ranges' ? u.rangeListEntries(r.attribute) : u.locationListEntries(r.attribute);
      for (const e of list) {
        const kindName = kind === 'ranges' ? D.rleName(e.kind) : D.lleName(e.kind);
        const loc = e as D.LocationListEntry;
        let ops: D.Operation[] | undefined;
        let opError: string | undefined;
        if (loc.expression) {
          try {
            ops = u.expression(loc.expression, r.section, loc.expressionOffset);
          } catch (err) {
            opError = (err as Error).message;
          }
        }
        if (a.json) {
          entries.push({
            offset: e.offset,
            kind: kindName ?? e.kind,
            values: e.values,
            range: e.range ? [e.range.begin, e.range.end] : null,
            ...(loc.expression ? { expression: ops ? opViews(ops) : null, ...(opError ? { error: opError } : {}) } : {}),
          });
          continue;
        }
        const name = kindName ?? String(e.kind);
        out.ascii('  ').hex(e.offset, 8).ascii(': ').ascii(e.values.length || e.range || loc.expression ? name.padEnd(22) : name);
        if (e.values.length) {
          out.ascii(' (');
          e.values.forEach((v, i) => (i ? out.ascii(', ') : out).hex(v, 16));
          out.byte(0x29);
        }
        if (e.range) out.ascii('  => [').hex(e.range.begin, aw).ascii(', ').hex(e.range.end, aw).byte(0x29);
        if (loc.expression) {
          out.ascii(': ');
          if (ops) writeExpression(out, u.operations(loc.expression, r.section, loc.expressionOffset), machine, baseTypeWriter(u));
          else out.ascii('<error: ').escaped(opError ?? '').byte(0x3e);
        }
        out.byte(0x0a);
      }
    } catch (e) {
      sink(errors)(e);
    }
    if (a.json) json.push({ section: r.section, offset: r.offset, unit: u.offset, entries });
  }
  if (a.json) writeOut(toJson({ file: a.file, lists: json, errors: errors.map(errorJson) }) + '\n');
  else out.flush();
}

// ---- dwarf strings -----------------------------------------------------------

export const stringsCommand = defineCommand({
  command: 'strings <file>',
  describe: 'dump the string sections (.debug_str, .debug_line_str) and the string offsets tables',
  builder: (y) => common(y, '$0 dwarf strings ./app'),
  handler: (a: DwarfArgs) =>
    withDwarf(a, (od, errors) => {
      const s = od.dwarf.sections;
      const result: Record<string, unknown> = { file: a.file };
      const out = new OutputBuffer();
      for (const id of ['str', 'lineStr'] as const) {
        const b = s.get(id);
        if (!b) continue;
        const list: { offset: number; string: string }[] = [];
        if (!a.json) out.write(`${s.name(id)} contents:\n`);
        let off = 0;
        while (off < b.length) {
          const nul = b.indexOf(0, off);
          if (nul < 0) {
            errors.push(new ParseError('truncated', 'unterminated string', s.name(id), off));
            break;
          }
          const str = id === 'str' ? od.dwarf.str(off) : od.dwarf.lineStr(off);
          if (a.json) list.push({ offset: off, string: str });
          else out.write(`${hexw(off, 8)}: "${escapeString(str)}"\n`);
          off = nul + 1;
        }
        result[id === 'str' ? 'debugStr' : 'debugLineStr'] = list;
      }
      // String offsets tables, per unit that uses one.
      const tables: unknown[] = [];
      const seen = new Set<number>();
      if (s.has('strOffsets')) {
        if (!a.json) out.write(`${s.name('strOffsets')} contents:\n`);
        for (const u of allUnits(od.dwarf, errors)) {
          const base = u.strOffsetsBase;
          if (seen.has(base)) continue;
          seen.add(base);
          const entries: { index: number; offset: number; string: string | null }[] = [];
          try {
            const count = strOffsetsCount(u);
            for (let i = 0; i < count; i++) {
              let str: string | null = null;
              try {
                str = u.stringAtIndex(i);
              } catch (e) {
                sink(errors)(e);
              }
              entries.push({ index: i, offset: base + i * u.header.offsetSize, string: str });
            }
          } catch (e) {
            sink(errors)(e);
          }
          if (a.json) tables.push({ unit: u.offset, base, entries });
          else {
            out.write(`unit ${hexw(u.offset, 8)}, base ${hexw(base, 8)}:\n`);
            for (const e of entries) out.write(`${hexw(e.offset, 8)}: [${e.index}] ${e.string === null ? '<error>' : `"${escapeString(e.string)}"`}\n`);
          }
        }
      }
      if (a.json) writeOut(toJson({ ...result, strOffsets: tables, errors: errors.map(errorJson) }) + '\n');
      else out.flush();
    }),
});

/** The number of entries of a unit's string offsets table: from its DWARF 5 header, else up to the next table (GNU split DWARF has no header). */
function strOffsetsCount(u: Unit): number {
  const s = u.dwarf.sections;
  const bytes = s.bytes('strOffsets');
  const size = u.header.offsetSize;
  const base = u.strOffsetsBase;
  if (u.version >= 5 && base >= size * 2) {
    const r = s.reader('strOffsets');
    r.pos = base - (size === 8 ? 16 : 8);
    const il = D.readInitialLength(r, 'string offsets table');
    return Math.max(0, Math.floor((il.length - 4) / size));
  }
  const limit = u.contributions?.strOffsets ? u.contributions.strOffsets.offset + u.contributions.strOffsets.size : bytes.length;
  return Math.max(0, Math.floor((limit - base) / size));
}

// ---- registration --------------------------------------------------------------
