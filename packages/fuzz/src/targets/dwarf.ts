// Targets over DWARF sections: the input is one section's bytes, the
// file's other sections stay intact, and each target reads what a dump of
// that section (and everything it reaches) reads.
import * as D from '@elfkit/dwarf';
import { parseDwpIndex, type Dwarf, type Unit } from '@elfkit/dwarf';
import { dwarfTarget } from '../dwarf-target.js';
import type { FieldList } from '../fields.js';
import { fixtureSections } from '../sources.js';
import { defineTarget, type Probe } from '../target.js';

/** C and C++ programs and objects: DWARF 4 and 5, 32- and 64-bit DWARF, both byte orders, split and relocatable. */
const PROGRAMS = ['c/gcc-dwarf5', 'c/gcc-dwarf4', 'c/clang-O2', 'c/gcc-O2', 'c/clang-dwarf4', 'c/gcc-dwarf64', 'c/gcc-m32', 'obj/s390x.o', 'obj/mips.o', 'cpp/gxx-dwarf5'];
const SPLIT = ['c/gcc-split.dwp', 'c/gcc-split4.dwp', 'c/gcc-split-main.dwo', 'c/gcc-split4-main.dwo'];

const CAP = 400;

/** Walks `.debug_info`-shaped units by their initial lengths, calling `fn(offset, is64, end)`. */
function eachUnitHeader(bytes: Uint8Array, order: 'little' | 'big', fn: (offset: number, is64: boolean, end: number) => void): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (let n = 0; at + 4 <= bytes.length && n < CAP; n++) {
    let len = dv.getUint32(at, order === 'little');
    let head = 4;
    let is64 = false;
    if (len === 0xffffffff && at + 12 <= bytes.length) {
      len = Number(dv.getBigUint64(at + 4, order === 'little'));
      head = 12;
      is64 = true;
    }
    const end = at + head + len;
    fn(at, is64, end);
    if (len === 0 || end > bytes.length) return;
    at = end;
  }
}

/** Unit-header-shaped sections: the length, then every header byte up to `headerBytes`, with the word-sized fields named. */
function headers(bytes: Uint8Array, order: 'little' | 'big', f: FieldList, headerBytes: number, words: readonly (readonly [number, number])[]): void {
  eachUnitHeader(bytes, order, (at, is64) => {
    f.uint(at, is64 ? 12 : 4);
    const base = at + (is64 ? 12 : 4);
    for (const [rel, size] of words) f.uint(base + rel, size === 4 && is64 ? 8 : size);
    for (let i = 0; i < headerBytes; i++) f.uint(base + i, 1);
  });
}

/** The abbreviation codes of every DIE, found by walking the intact units. */
function dieFields(dwarf: Dwarf, f: FieldList, bytes: Uint8Array): void {
  let n = 0;
  for (const u of dwarf.units(() => {})) {
    try {
      const c = u.entries();
      while (c.nextEntry() && n++ < 2000) f.leb(bytes, c.offset);
    } catch {
      // a seed is intact; nothing to do
    }
  }
}

/** Reads every unit, DIE and raw attribute, and each unit's root and sibling chain. */
function readUnits(dwarf: Dwarf, p: Probe, each?: (u: Unit, c: D.DieCursor) => void): number {
  let dies = 0;
  const walk = (u: Unit) => {
    p.attempt(() => u.root());
    p.attempt(() => {
      const c = u.entries();
      while (c.nextEntry()) {
        dies++;
        const attrs = c.attrs();
        if (each && attrs.length > 0) each(u, c);
      }
    });
    p.attempt(() => {
      const c = u.entries();
      if (c.next()) while (c.nextSibling()) dies++;
    });
  };
  p.attempt(() => {
    for (const u of dwarf.units(p.sink)) walk(u);
  });
  p.attempt(() => {
    for (const u of dwarf.typeUnits(p.sink)) walk(u);
  });
  p.attempt(() => dwarf.unitContaining(0x40));
  return dies;
}

/** Resolves every attribute: strings, addresses, references, ranges, locations, expressions. */
function resolveAttrs(u: Unit, c: D.DieCursor, p: Probe, lists = true): void {
  let low: bigint | undefined;
  for (const a of c.attrs()) {
    const cls = D.formClass(a.form);
    p.attempt(() => {
      if (cls === 'string') u.attrString(a);
      else if (cls === 'address') low = u.attrAddress(a);
      else if (cls === 'reference') u.attrRef(a);
      else if (cls === 'exprloc') u.expression(a.value as Uint8Array);
      if (a.name === D.DW_AT_high_pc) u.highPc(a, low);
      if (!lists) return;
      if (a.name === D.DW_AT_ranges) {
        u.rangeListEntries(a);
        u.attrRanges(a);
      } else if ((a.name === D.DW_AT_location || a.name === D.DW_AT_frame_base) && (cls === 'sec_offset' || cls === 'loclist')) {
        for (const e of u.locationListEntries(a)) if (e.expression) p.attempt(() => u.expression(e.expression!));
      }
    });
  }
}

type Structure = (bytes: Uint8Array, section: string, f: FieldList, dwarf: Dwarf) => void;

/** Unit headers and every DIE's abbreviation code. */
const unitStructure: Structure = (bytes, _s, f, dwarf) => {
  headers(bytes, dwarf.order, f, 16, [
    [0, 2],
    [2, 4],
    [3, 1],
  ]);
  dieFields(dwarf, f, bytes);
};

/** Every LEB128 of the abbreviation declarations. */
const abbrevStructure: Structure = (bytes, _s, f) => {
  // Every LEB128 of the declarations: code, tag, then (name, form) pairs to (0, 0).
  let at = 0;
  const leb = () => {
    const start = at;
    f.leb(bytes, at);
    let v = 0;
    let shift = 0;
    while (at < bytes.length) {
      const b = bytes[at++]!;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    return at > start ? v : -1;
  };
  for (let n = 0; at < bytes.length && n < 4000; n++) {
    if (leb() <= 0) continue;
    leb();
    f.uint(at++, 1);
    for (;;) {
      const name = leb();
      const form = leb();
      if (form === D.DW_FORM_implicit_const) leb();
      if ((name === 0 && form === 0) || name < 0 || form < 0) break;
    }
  }
};

/** Unit headers and DIE codes of .debug_info; the offset or address tables of .debug_str_offsets and .debug_addr. */
const formsStructure: Structure = (bytes, section, f, dwarf) => {
  if (section.startsWith('.debug_info')) {
    headers(bytes, dwarf.order, f, 16, [[0, 2]]);
    dieFields(dwarf, f, bytes);
  } else {
    headers(bytes, dwarf.order, f, 4, [[0, 2]]);
    // The table itself: offsets (str_offsets) or addresses (addr).
    f.uints(8, section.startsWith('.debug_addr') ? 8 : 4, CAP);
  }
};

/** Line program headers. */
const lineStructure: Structure = (bytes, _s, f, dwarf) =>
  headers(bytes, dwarf.order, f, 40, [
    [0, 2],
    [2, 4],
    [4, 1],
  ]);

/** List headers and entry kinds (v5), or address pairs (v2–4). */
const listsStructure: Structure = (bytes, section, f, dwarf) => {
  if (section.includes('lists')) {
    headers(bytes, dwarf.order, f, 8, [
      [0, 2],
      [2, 1],
      [3, 1],
      [4, 4],
    ]);
    for (let at = 0; at < Math.min(bytes.length, 2048); at++) if (bytes[at]! < 0x10) f.uint(at, 1);
  } else {
    f.uints(0, 8, Math.min(CAP, bytes.length >> 3));
  }
};

/** Address range set headers. */
const arangesStructure: Structure = (bytes, _s, f, dwarf) =>
  headers(bytes, dwarf.order, f, 8, [
    [0, 2],
    [2, 4],
    [6, 1],
    [7, 1],
  ]);

/**
 * The fields mutations aim at in a DWARF section, by its name (the
 * structure the section's own target uses), for targets that damage one
 * section of a whole file.
 */
export function dwarfSectionFields(section: string): Structure | undefined {
  const name = section.replace(/\.dwo$/, '');
  if (name === '.debug_info' || name === '.debug_types') return unitStructure;
  if (name === '.debug_abbrev') return abbrevStructure;
  if (name === '.debug_str_offsets' || name === '.debug_addr') return formsStructure;
  if (name === '.debug_line') return lineStructure;
  if (/^\.debug_(rnglists|loclists|ranges|loc)$/.test(name)) return listsStructure;
  if (name === '.debug_aranges') return arangesStructure;
  return undefined;
}

export const dwarfUnits = dwarfTarget({
  name: 'dwarf-units',
  describe: 'unit headers (v2–5, 32/64-bit, every unit type, .debug_types) and the DIE tree: codes, raw attribute values, siblings',
  sections: ['.debug_info', '.debug_types', '.debug_info.dwo'],
  fixtures: [...PROGRAMS, 'c/gcc-split-main.dwo', 'c/gcc-split4.dwp'],
  structure: unitStructure,
  read: (dwarf, p) => readUnits(dwarf, p),
});

export const dwarfAbbrev = dwarfTarget({
  name: 'dwarf-abbrev',
  describe: '.debug_abbrev declarations (tags, children flags, attribute and form codes, implicit_const) and the DIEs that use them',
  sections: ['.debug_abbrev', '.debug_abbrev.dwo'],
  fixtures: [...PROGRAMS, 'c/gcc-split-main.dwo'],
  structure: abbrevStructure,
  read: (dwarf, p) => readUnits(dwarf, p),
});

export const dwarfForms = dwarfTarget({
  name: 'dwarf-forms',
  describe: 'attribute values resolved through .debug_str_offsets, .debug_addr, .debug_str and .debug_line_str (strx/addrx forms and their bases)',
  sections: ['.debug_info', '.debug_str_offsets', '.debug_addr', '.debug_str_offsets.dwo', '.debug_info.dwo'],
  fixtures: ['c/clang-O2', 'c/gcc-dwarf5', 'c/clang-dwarf4', 'c/gcc-dwarf64', 'c/gcc-split', 'c/gcc-split-main.dwo'],
  structure: formsStructure,
  read: (dwarf, p) => readUnits(dwarf, p, (u, c) => resolveAttrs(u, c, p, false)),
});

export const dwarfLine = dwarfTarget({
  name: 'dwarf-line',
  describe: 'line programs: v2–5 headers, entry formats, directory and file tables, every standard/extended opcode, paths',
  sections: ['.debug_line', '.debug_line.dwo'],
  fixtures: [...PROGRAMS, 'c/gcc-split-main.dwo'],
  structure: lineStructure,
  read: (dwarf, p) => {
    let rows = 0;
    p.attempt(() => {
      for (const lp of dwarf.linePrograms(p.sink)) {
        const prog = lp.program;
        p.attempt(() => {
          for (const r of prog.rows()) {
            rows++;
            p.attempt(() => prog.filePath(r.file));
          }
        });
        p.attempt(() => {
          const c = prog.cursor();
          while (c.next()) void c.addressBig;
        });
        for (let i = 0; i < Math.min(prog.fileCount, 64); i++) p.attempt(() => prog.filePath(i));
        p.attempt(() => prog.compilationDirectory());
        p.attempt(() => lp.unit());
      }
    });
    p.attempt(() => {
      for (const u of dwarf.units(p.sink)) p.attempt(() => u.lineProgram()?.fileCount);
    });
    return rows;
  },
});

export const dwarfLists = dwarfTarget({
  name: 'dwarf-lists',
  describe: 'range and location lists: .debug_rnglists/.debug_loclists (v5, with offset tables and rnglistx/loclistx), .debug_ranges/.debug_loc (v2–4), their expressions',
  sections: ['.debug_rnglists', '.debug_loclists', '.debug_ranges', '.debug_loc', '.debug_loclists.dwo', '.debug_rnglists.dwo'],
  fixtures: ['c/clang-O2', 'c/gcc-O2', 'c/gcc-dwarf4', 'c/clang-dwarf4', 'obj/s390x.o', 'c/gcc-static', 'c/gcc-split', 'c/gcc-split-main.dwo'],
  structure: listsStructure,
  read: (dwarf, p) => readUnits(dwarf, p, (u, c) => resolveAttrs(u, c, p)),
});

export const dwarfAranges = dwarfTarget({
  name: 'dwarf-aranges',
  describe: '.debug_aranges sets and their address/length tuples',
  sections: ['.debug_aranges'],
  fixtures: ['c/gcc-dwarf5', 'c/gcc-m32', 'obj/s390x.o', 'c/gcc-static', 'cpp/gxx-dwarf5'],
  structure: arangesStructure,
  read: (dwarf, p) => {
    let n = 0;
    p.attempt(() => {
      for (const s of dwarf.aranges(p.sink)) n += s.entries.length;
    });
    return n;
  },
});

export const dwarfDwp = dwarfTarget({
  name: 'dwarf-dwp',
  describe: '.debug_cu_index/.debug_tu_index of .dwp packages (v2 GNU and v5) and the split units read through them',
  sections: ['.debug_cu_index', '.debug_tu_index'],
  fixtures: SPLIT.filter((s) => s.endsWith('.dwp')),
  structure: (bytes, _s, f) => {
    f.uints(0, 4, 4);
    for (let at = 16; at < Math.min(bytes.length, 4096); at += 4) f.uint(at, 4);
  },
  read: (dwarf, p) => {
    let n = 0;
    const order = dwarf.order;
    p.attempt(() => parseDwpIndex(dwarf.sections.bytes('cuIndex'), order, '.debug_cu_index'));
    const idx = p.attempt(() => dwarf.cuIndex());
    for (const row of idx?.rows ?? []) {
      p.attempt(() => idx!.find(row.signature));
      p.attempt(() => dwarf.splitUnitById(row.signature)?.root());
      n++;
    }
    p.attempt(() => dwarf.tuIndex());
    n += readUnits(dwarf, p, (u, c) => resolveAttrs(u, c, p));
    return n;
  },
});

/** Every exprloc of the fixtures' DIEs and location lists, with the encoding of its unit. */
function expressionSeeds() {
  const out: { name: string; bytes: Uint8Array; order: 'little' | 'big'; fields: []; context: { enc: D.Encoding } }[] = [];
  const seen = new Set<string>();
  for (const fixture of ['c/gcc-O2', 'c/clang-O2', 'c/gcc-dwarf4', 'obj/s390x.o', 'c/gcc-m32', 'c/gcc-static']) {
    const { sections, order } = fixtureSections(fixture, (n) => n.startsWith('.debug_'));
    const dwarf = D.Dwarf.load((n) => sections.get(n), { order });
    for (const u of dwarf.units()) {
      const c = u.entries();
      while (c.nextEntry()) {
        for (const a of c.attrs()) {
          const exprs: Uint8Array[] = [];
          if (D.formClass(a.form) === 'exprloc') exprs.push(a.value as Uint8Array);
          else if (a.name === D.DW_AT_location && D.formClass(a.form) !== 'constant') for (const e of u.locationListEntries(a)) if (e.expression) exprs.push(e.expression);
          for (const bytes of exprs) {
            const key = `${order}${u.encoding.addressSize}${u.encoding.version}:${Buffer.from(bytes).toString('hex')}`;
            if (bytes.length === 0 || seen.has(key)) continue;
            seen.add(key);
            out.push({ name: `${fixture} expression ${out.length}`, bytes: bytes.slice(), order, fields: [], context: { enc: u.encoding } });
          }
        }
      }
    }
  }
  return out;
}

export const dwarfExpression = defineTarget({
  name: 'dwarf-expr',
  describe: 'DWARF expressions (DW_OP_* with every operand kind, GNU and typed ops) on their own, decoded and evaluated',
  resizable: true,
  typedErrors: (e) => e instanceof D.EvaluationError,
  seeds: expressionSeeds,
  run: (input, seed, p) => {
    const ops = p.attempt(() => D.decodeExpression(input, seed.context.enc, seed.order));
    p.attempt(() => {
      const c = new D.OperationCursor(input, seed.context.enc, seed.order);
      while (c.next()) void c.operands.length;
    });
    // Evaluated on a machine where every register and word has a value (what an unwinder or debugger does).
    const machine: D.EvaluationContext = { addressSize: seed.context.enc.addressSize, order: seed.order, register: (n) => 0x1000n + BigInt(n), memory: (a, size) => (a & 0xffn) * BigInt(size), frameBase: 0x7ff0n, cfa: 0x7ff8n };
    p.attempt(() => D.evaluateExpression(input, machine, [], 1000));
    return ops?.length;
  },
});

export const dwarfLinks = defineTarget({
  name: 'dwarf-links',
  describe: '.gnu_debuglink, .gnu_debugaltlink and .debug_sup contents',
  resizable: true,
  seeds: () => {
    const { sections, order } = fixtureSections('c/gcc-stripped', (n) => n === '.gnu_debuglink');
    const link = sections.get('.gnu_debuglink')!;
    const alt = new Uint8Array([...new TextEncoder().encode('../alt/file.debug'), 0, ...Array.from({ length: 20 }, (_, i) => i)]);
    const sup = new Uint8Array([5, 0, 1, ...new TextEncoder().encode('sup.debug'), 0, 20, ...Array.from({ length: 20 }, (_, i) => i)]);
    return [
      { name: 'c/gcc-stripped .gnu_debuglink', bytes: link, order, fields: [], context: 'link' as const },
      { name: 'synthetic .gnu_debugaltlink', bytes: alt, order, fields: [], context: 'alt' as const },
      { name: 'synthetic .debug_sup', bytes: sup, order, fields: [], context: 'sup' as const },
    ];
  },
  run: (input, seed, p) => {
    if (seed.context === 'link') return p.attempt(() => D.parseDebugLink(input, seed.order));
    if (seed.context === 'alt') return p.attempt(() => D.parseDebugAltLink(input));
    return p.attempt(() => D.parseDebugSup(input, seed.order));
  },
});

/** The DWARF targets. */
export const dwarfTargets = [dwarfUnits, dwarfAbbrev, dwarfForms, dwarfLine, dwarfLists, dwarfAranges, dwarfDwp, dwarfExpression, dwarfLinks];
