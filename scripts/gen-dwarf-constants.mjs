#!/usr/bin/env node
// Generates packages/dwarf/src/constants.ts: every DW_* constant and its
// name as llvm-dwarfdump spells it, from LLVM's Dwarf.def (the table
// llvm-dwarfdump itself prints from), plus the few enumerations LLVM keeps
// in Dwarf.h and the vendor values LLVM 14 lacks (GNU location views,
// pre-standard split-DWARF location entries, DWARF package v2 sections).
//
// Usage: node scripts/gen-dwarf-constants.mjs [path/to/llvm/BinaryFormat/Dwarf.def]
// (default: the newest /usr/include/llvm-*/llvm/BinaryFormat/Dwarf.def)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let def = process.argv[2];
if (!def) {
  const dirs = existsSync('/usr/include') ? readdirSync('/usr/include').filter((d) => /^llvm-\d+$/.test(d)) : [];
  dirs.sort((a, b) => Number(b.slice(5)) - Number(a.slice(5)));
  def = dirs.map((d) => `/usr/include/${d}/llvm/BinaryFormat/Dwarf.def`).find((p) => existsSync(p));
}
if (!def || !existsSync(def)) {
  console.error('Dwarf.def not found; pass its path (apt-get install llvm-dev provides it)');
  process.exit(1);
}
const text = readFileSync(def, 'utf8');
const llvmVersion = (def.match(/llvm-(\d+)/) ?? [])[1] ?? '?';

/** category → [[value, name]] in file order. */
const cats = new Map();
const add = (cat, value, name) => {
  if (!cats.has(cat)) cats.set(cat, []);
  const list = cats.get(cat);
  if (list.some(([v, n]) => n === name)) return;
  list.push([value, name]);
};
const macro = { TAG: 'TAG', AT: 'AT', FORM: 'FORM', OP: 'OP', LANG: 'LANG', ATE: 'ATE', END: 'END', VIRTUALITY: 'VIRTUALITY', DEFAULTED: 'DEFAULTED', CC: 'CC', LNS: 'LNS', LNE: 'LNE', LNCT: 'LNCT', MACRO: 'MACRO', MACRO_GNU: 'MACRO_GNU', RLE: 'RLE', LLE: 'LLE', UT: 'UT', IDX: 'IDX', CFA: 'CFA' };
for (const line of text.split('\n')) {
  const m = line.match(/^HANDLE_DW_([A-Z_]+)\((0x[0-9a-fA-F]+|\d+),\s*([A-Za-z0-9_]+)/);
  if (!m || !macro[m[1]]) continue;
  add(m[1], Number(m[2]), m[3]);
}
// Enumerations LLVM declares in Dwarf.h rather than Dwarf.def.
const extra = {
  ACCESS: [[1, 'public'], [2, 'protected'], [3, 'private']],
  VIS: [[1, 'local'], [2, 'exported'], [3, 'qualified']],
  ID: [[0, 'case_sensitive'], [1, 'up_case'], [2, 'down_case'], [3, 'case_insensitive']],
  INL: [[0, 'not_inlined'], [1, 'inlined'], [2, 'declared_not_inlined'], [3, 'declared_inlined']],
  ORD: [[0, 'row_major'], [1, 'col_major']],
  DSC: [[0, 'label'], [1, 'range']],
  DS: [[1, 'unsigned'], [2, 'leading_overpunch'], [3, 'trailing_overpunch'], [4, 'leading_separate'], [5, 'trailing_separate']],
  CHILDREN: [[0, 'no'], [1, 'yes']],
  ADDR: [[0, 'none']],
};
for (const [cat, list] of Object.entries(extra)) for (const [v, n] of list) add(cat, v, n);
// Values newer than LLVM 14 or outside LLVM (gimli constants.rs, GCC dwarf2.def).
add('LLE', 9, 'GNU_view_pair');
add('OP', 0xf1, 'GNU_encoded_addr');
add('OP', 0xf2, 'GNU_implicit_pointer');
add('OP', 0xf4, 'GNU_const_type');
add('OP', 0xf5, 'GNU_regval_type');
add('OP', 0xf6, 'GNU_deref_type');
add('OP', 0xf7, 'GNU_convert');
add('OP', 0xf9, 'GNU_reinterpret');
add('OP', 0xfa, 'GNU_parameter_ref');
add('OP', 0xfd, 'GNU_variable_value');
add('LNE', 3, 'define_file');
add('LNE', 0x80, 'lo_user');
add('LNE', 0xff, 'hi_user');
add('LNCT', 0x2000, 'lo_user');
add('LNCT', 0x3fff, 'hi_user');

const order = ['TAG', 'AT', 'FORM', 'OP', 'LANG', 'ATE', 'UT', 'LNS', 'LNE', 'LNCT', 'RLE', 'LLE', 'CC', 'INL', 'ACCESS', 'VIS', 'VIRTUALITY', 'ID', 'END', 'DS', 'ORD', 'DSC', 'DEFAULTED', 'CHILDREN', 'ADDR', 'MACRO', 'MACRO_GNU', 'IDX', 'CFA'];
const fn = {
  TAG: 'tagName', AT: 'attrName', FORM: 'formName', OP: 'opName', LANG: 'langName', ATE: 'ateName', UT: 'unitTypeName', LNS: 'lnsName', LNE: 'lneName',
  LNCT: 'lnctName', RLE: 'rleName', LLE: 'lleName', CC: 'ccName', INL: 'inlName', ACCESS: 'accessName', VIS: 'visName', VIRTUALITY: 'virtualityName',
  ID: 'idCaseName', END: 'endName', DS: 'decimalSignName', ORD: 'ordName', DSC: 'dscName', DEFAULTED: 'defaultedName', CHILDREN: 'childrenName',
  ADDR: 'addrClassName', MACRO: 'macroName', MACRO_GNU: 'macroGnuName', IDX: 'idxName', CFA: 'cfaName',
};
/** What a value of each category is: the one-line TSDoc of every constant. */
const what = {
  TAG: 'Tag of a debugging information entry', AT: 'Attribute name of a debugging information entry', FORM: 'Attribute form (how an attribute value is encoded)',
  OP: 'DWARF expression operation', LANG: 'Source language (`DW_AT_language`)', ATE: 'Base type encoding (`DW_AT_encoding`)', UT: 'Unit type (a DWARF 5 unit header)',
  LNS: 'Standard line number program opcode', LNE: 'Extended line number program opcode', LNCT: 'Line table header content type (DWARF 5 directory and file entries)',
  RLE: 'Range list entry kind (`.debug_rnglists`)', LLE: 'Location list entry kind (`.debug_loclists`)', CC: 'Calling convention (`DW_AT_calling_convention`)',
  INL: 'Inline code (`DW_AT_inline`)', ACCESS: 'Accessibility (`DW_AT_accessibility`)', VIS: 'Visibility (`DW_AT_visibility`)', VIRTUALITY: 'Virtuality (`DW_AT_virtuality`)',
  ID: 'Identifier case (`DW_AT_identifier_case`)', END: 'Endianity (`DW_AT_endianity`)', DS: 'Decimal sign (`DW_AT_decimal_sign`)', ORD: 'Array ordering (`DW_AT_ordering`)',
  DSC: 'Discriminant descriptor (`DW_AT_discr_list`)', DEFAULTED: 'Defaulted member (`DW_AT_defaulted`)', CHILDREN: 'Whether an abbreviation\'s entries have children',
  ADDR: 'Address class (`DW_AT_address_class`)', MACRO: 'Macro information entry type (`.debug_macro`)', MACRO_GNU: 'GNU macro information entry type (`.debug_macro` version 4)',
  IDX: 'Name index attribute (`.debug_names`)', CFA: 'Call frame instruction (`.debug_frame`, `.eh_frame`)',
};
const hex = (v) => '0x' + v.toString(16);
let out = `// Generated by scripts/gen-dwarf-constants.mjs from LLVM ${llvmVersion} Dwarf.def
// (plus Dwarf.h enumerations and a few GNU values). Do not edit by hand.
//
// Every DWARF constant as a number named verbatim from the standard, and
// name functions returning the spelling llvm-dwarfdump prints.

`;
for (const cat of order) {
  const list = cats.get(cat);
  if (!list) continue;
  out += `// DW_${cat}_*\n`;
  for (const [v, n] of list) out += `/** ${what[cat]}${/^(lo|hi)_user$/.test(n) ? `: the ${n.slice(0, 2) === 'lo' ? 'first' : 'last'} value reserved for vendors` : ''}. */\nexport const DW_${cat}_${n} = ${hex(v)};\n`;
  out += `const ${cat}_NAMES: ReadonlyMap<number, string> = new Map([\n`;
  const seen = new Set();
  for (const [v, n] of list) {
    if (seen.has(v) || /_(lo|hi)_user$/.test(n)) continue;
    seen.add(v);
    out += `  [${hex(v)}, 'DW_${cat}_${n}'],\n`;
  }
  out += `]);\n/** The \`DW_${cat}_*\` name of \`v\`, or undefined. */\nexport function ${fn[cat]}(v: number): string | undefined {\n  return ${cat}_NAMES.get(v);\n}\n\n`;
}
const dest = join(root, 'packages', 'dwarf', 'src', 'constants.ts');
writeFileSync(dest, out);
console.log(`wrote ${dest}: ${[...cats.values()].reduce((n, l) => n + l.length, 0)} constants`);
