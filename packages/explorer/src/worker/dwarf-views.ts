import { isParseError, type ParseError } from '@elfkit/binary';
import * as D from '@elfkit/dwarf';
import { Dwarf, type Attribute, type DieCursor, type Unit } from '@elfkit/dwarf';
import { constants as C, type ElfFile } from '@elfkit/elf';
import type { DieAttribute, DieChildren, DieNode } from '../protocol.js';
import { col, type TableSource } from './table.js';
import { hex, messageOf } from './format.js';

/** True when the file carries DWARF of its own (a split-DWARF `.dwo`/`.dwp` file included). */
export function hasDwarf(elf: ElfFile): boolean {
  return ['.debug_info', '.debug_info.dwo'].some((n) => {
    const s = elf.debugSection(n);
    return s !== undefined && s.type !== C.SHT_NOBITS && s.size > 0;
  });
}

/** The file's DWARF (no separate debug files: a page sees only the file it was given). */
export function openDwarf(elf: ElfFile): Dwarf {
  return Dwarf.load(
    (name) => {
      const s = name.startsWith('.debug_') ? elf.debugSection(name) : elf.section(name);
      return s && s.type !== C.SHT_NOBITS ? elf.sectionData(s) : undefined;
    },
    { order: elf.header.order },
  );
}

const tag = (v: number) => D.tagName(v) ?? `DW_TAG_unknown_${v.toString(16)}`;
const attrName = (v: number) => D.attrName(v) ?? `DW_AT_unknown_${v.toString(16)}`;
const formName = (v: number) => D.formName(v) ?? `DW_FORM_unknown_${v.toString(16)}`;

/** Facts of one unit for the unit list. */
interface UnitRow {
  offset: number;
  kind: string;
  version: number;
  name: string;
  producer: string;
  language: string;
  size: number;
}

/**
 * The units of `.debug_info` with their root DIE's facts; a unit that
 * cannot be read is listed with the reason. `progress` is told how far
 * through the section the walk is.
 */
export function unitTable(dwarf: Dwarf, progress: (done: number, total: number) => void): { table: TableSource; units: UnitRow[] } {
  const rows: UnitRow[] = [];
  const errors: ParseError[] = [];
  const total = dwarf.sections.bytes('info').length;
  for (const u of dwarf.units((e) => errors.push(e))) {
    const row: UnitRow = { offset: u.offset, kind: D.unitTypeName(u.unitType) ?? String(u.unitType), version: u.version, name: '', producer: '', language: '', size: u.end - u.offset };
    try {
      const r = u.root();
      row.name = r.name ?? '';
      row.producer = r.producer ?? '';
      row.language = r.language !== undefined ? (D.langName(r.language) ?? hex(r.language)) : '';
    } catch (e) {
      row.name = `<${messageOf(e)}>`;
    }
    rows.push(row);
    progress(u.end, total);
  }
  const note = errors.length ? errors.map((e) => e.message).join('; ') : rows.length ? undefined : 'No units in .debug_info.';
  const table: TableSource = {
    id: 'units',
    note,
    columns: [col('Offset', 'right', 0.8), col('Type', 'left', 0.9), col('Ver', 'right', 0.3), col('Name', 'left', 3), col('Language', 'left', 1), col('Size', 'right', 0.6), col('Producer', 'left', 3)],
    rows: rows.length,
    cell: (r, c) => {
      const u = rows[r]!;
      return [hex(u.offset), u.kind, String(u.version), u.name, u.language, String(u.size), u.producer][c]!;
    },
    sortKey: (r, c) => {
      const u = rows[r]!;
      return c === 0 ? u.offset : c === 2 ? u.version : c === 5 ? u.size : [u.offset, u.kind, u.version, u.name, u.language, u.size, u.producer][c]!;
    },
  };
  return { table, units: rows };
}

function node(unit: Unit, c: DieCursor): DieNode {
  let name = '';
  try {
    const a = c.attr(D.DW_AT_name) ?? c.attr(D.DW_AT_linkage_name) ?? c.attr(D.DW_AT_MIPS_linkage_name);
    if (a) name = unit.attrString(a) ?? '';
  } catch (e) {
    name = `<${messageOf(e)}>`;
  }
  return { offset: c.offset, tag: tag(c.tag), name, hasChildren: c.hasChildren };
}

/**
 * The children of the DIE at `die` (or, with `die` equal to the unit's
 * offset, the unit DIE itself), `count` at a time from the child at `from`.
 */
export function dieChildren(dwarf: Dwarf, unitOffset: number, die: number, from: number, count: number): DieChildren {
  const unit = dwarf.unitAt(unitOffset);
  if (die === unitOffset) {
    const c = unit.entries();
    if (!c.next()) return { nodes: [], more: -1 };
    return { nodes: [node(unit, c)], more: -1 };
  }
  let c: DieCursor;
  if (from > 0) {
    c = unit.entriesAt(from);
    if (!c.next()) return { nodes: [], more: -1 };
  } else {
    c = unit.entriesAt(die);
    if (!c.next() || !c.hasChildren) return { nodes: [], more: -1 };
    if (!c.nextEntry() || c.isNull) return { nodes: [], more: -1 };
  }
  const nodes: DieNode[] = [];
  do {
    if (nodes.length === count) return { nodes, more: c.offset };
    nodes.push(node(unit, c));
  } while (c.nextSibling());
  return { nodes, more: -1 };
}

/** Names of the constants of the attributes people read most. */
function constantMeaning(at: number, v: number): string | undefined {
  switch (at) {
    case D.DW_AT_language:
      return D.langName(v);
    case D.DW_AT_encoding:
      return D.ateName(v);
    case D.DW_AT_inline:
      return D.inlName(v);
    case D.DW_AT_accessibility:
      return D.accessName(v);
    case D.DW_AT_calling_convention:
      return D.ccName(v);
    default:
      return undefined;
  }
}

function operations(unit: Unit, bytes: Uint8Array): string {
  return unit
    .expression(bytes)
    .map((o) => [D.opName(o.op) ?? hex(o.op), ...o.operands.map((x) => (x instanceof Uint8Array ? `[${x.length} bytes]` : typeof x === 'bigint' || x > 9 || x < -9 ? hex(x) : String(x)))].join(' '))
    .join(', ');
}

function valueText(unit: Unit, a: Attribute, all: readonly Attribute[]): { value: string; ref?: number } {
  const v = a.value;
  if (a.name === D.DW_AT_ranges && D.formClass(a.form) !== 'block') return { value: unit.attrRanges(a).map((r) => `[${hex(r.begin)}, ${hex(r.end)})`).join(' ') || '(empty)' };
  if (a.form === D.DW_FORM_exprloc || (D.formClass(a.form) === 'block' && (a.name === D.DW_AT_location || a.name === D.DW_AT_frame_base || a.name === D.DW_AT_data_member_location))) {
    return { value: operations(unit, v as Uint8Array) };
  }
  switch (D.formClass(a.form)) {
    case 'string':
      return { value: JSON.stringify(unit.attrString(a) ?? '') };
    case 'address':
      return { value: hex(unit.attrAddress(a) ?? 0n) };
    case 'reference': {
      const r = unit.attrRef(a);
      if (r?.target === 'sig') return { value: `signature ${hex(r.signature!)}` };
      if (r?.offset === undefined) return { value: '?' };
      return r.target === 'info' ? { value: `<${hex(r.offset)}>`, ref: r.offset } : { value: `${r.target} <${hex(r.offset)}>` };
    }
    case 'flag':
      return { value: String(v === true || (typeof v === 'number' && v !== 0)) };
    case 'constant': {
      const n = D.attrNumber(v);
      if (n !== undefined && a.name === D.DW_AT_high_pc) {
        const low = all.find((x) => x.name === D.DW_AT_low_pc);
        const hi = low ? unit.highPc(a, unit.attrAddress(low)) : undefined;
        return { value: hi !== undefined ? `${hex(hi)} (low_pc + ${hex(n)})` : hex(n) };
      }
      if (n !== undefined && (a.name === D.DW_AT_decl_file || a.name === D.DW_AT_call_file)) {
        const f = unit.lineProgram()?.filePath(n);
        return { value: f !== undefined ? `${n} ${JSON.stringify(f)}` : String(n) };
      }
      const m = n !== undefined && a.form !== D.DW_FORM_sdata ? constantMeaning(a.name, n) : undefined;
      return { value: m ? `${m} (${n})` : typeof v === 'bigint' ? hex(v) : String(v) };
    }
    default:
      return { value: v instanceof Uint8Array ? `[${v.length} bytes] ${Array.from(v.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ')}` : typeof v === 'bigint' ? hex(v) : String(v) };
  }
}

/** The attributes of the DIE at section offset `die`, each value resolved to text. */
export function dieAttributes(dwarf: Dwarf, die: number): DieAttribute[] {
  const unit = dwarf.unitContaining(die);
  if (!unit) throw new Error(`no unit contains a DIE at ${hex(die)}`);
  const c = unit.entriesAt(die);
  if (!c.next()) return [];
  const all = c.attrs();
  return all.map((a) => {
    let v: { value: string; ref?: number };
    try {
      v = valueText(unit, a, all);
    } catch (e) {
      if (!isParseError(e) && !(e instanceof Error)) throw e;
      v = { value: `<${messageOf(e)}>` };
    }
    return { name: attrName(a.name), form: formName(a.form), ...v };
  });
}

/**
 * The line table of one unit: every row of its line program with the file
 * path, in program order. Rows are kept as columns of numbers, not objects,
 * so a unit with a million rows stays small.
 */
export function lineTable(dwarf: Dwarf, unitOffset: number): TableSource {
  const unit = dwarf.unitAt(unitOffset);
  const lp = unit.lineProgram();
  const addr: bigint[] = [];
  const file: number[] = [];
  const line: number[] = [];
  const column: number[] = [];
  const flags: number[] = [];
  let note: string | undefined = lp ? undefined : 'This unit has no line program.';
  if (lp) {
    const c = lp.cursor();
    try {
      while (c.next()) {
        addr.push(c.addressBig);
        file.push(c.file);
        line.push(c.line);
        column.push(c.column);
        flags.push((c.isStmt ? 1 : 0) | (c.endSequence ? 2 : 0) | (c.prologueEnd ? 4 : 0));
      }
    } catch (e) {
      note = `The line program stops early: ${messageOf(e)}`;
    }
  }
  const paths = new Map<number, string>();
  const path = (f: number) => {
    let p = paths.get(f);
    if (p === undefined) paths.set(f, (p = lp?.filePath(f) ?? `<file ${f}>`));
    return p;
  };
  const flagText = (f: number) => [f & 1 ? 'is_stmt' : '', f & 4 ? 'prologue_end' : '', f & 2 ? 'end_sequence' : ''].filter(Boolean).join(' ');
  return {
    id: `lines:${unitOffset}`,
    note,
    columns: [col('Address', 'right', 1.2), col('Line', 'right', 0.5), col('Col', 'right', 0.4), col('File', 'left', 4), col('Flags', 'left', 1.5)],
    rows: addr.length,
    cell: (r, c) => (c === 0 ? hex(addr[r]!) : c === 1 ? String(line[r]) : c === 2 ? String(column[r]) : c === 3 ? path(file[r]!) : flagText(flags[r]!)),
    sortKey: (r, c) => (c === 0 ? addr[r]! : c === 1 ? line[r]! : c === 2 ? column[r]! : c === 3 ? path(file[r]!) : flags[r]!),
    searchText: (r) => `${addr[r]!.toString(16)} ${path(file[r]!)}:${line[r]}`,
  };
}

/** DWARF versions of the units (for the header facts). */
export function unitVersions(units: readonly { version: number }[]): number[] {
  return [...new Set(units.map((u) => u.version))].sort((a, b) => a - b);
}

/** The versions of `.debug_types` units (DWARF 4), headers only. */
export function typeUnitVersions(dwarf: Dwarf): { version: number }[] {
  const out: { version: number }[] = [];
  if (!dwarf.sections.has('types')) return out;
  for (const u of dwarf.typeUnits(() => {})) out.push({ version: u.version });
  return out;
}
