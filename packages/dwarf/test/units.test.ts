// Units, abbreviations, the DIE cursor and every form, on hand-assembled
// sections: the shapes no fixture compiler emits (DWARF 4 .debug_types,
// DW_FORM_indirect, strx3/addrx3, 64-bit DWARF mixed with 32-bit, dwz's
// GNU_*_alt forms into a supplementary file, DWARF 2 ref_addr).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isParseError, type ParseError } from '@elfkit/binary';
import * as D from '../dist/index.js';
import { Dwarf, type Attribute } from '../dist/index.js';
import { Asm, loader } from './assembler.js';

/** Abbreviation table: [code, tag, children, [[name, form, implicit?]…]]… */
function abbrevs(a: Asm, list: [number, number, boolean, [number, number, number?][]][]): Asm {
  for (const [code, tag, children, attrs] of list) {
    a.uleb(code).uleb(tag).u8(children ? 1 : 0);
    for (const [n, f, imp] of attrs) {
      a.uleb(n).uleb(f);
      if (f === D.DW_FORM_implicit_const) a.sleb(imp!);
    }
    a.uleb(0).uleb(0);
  }
  return a.uleb(0);
}

const values = (attrs: Attribute[]) => Object.fromEntries(attrs.map((x) => [D.attrName(x.name), x.value]));

test('DWARF 5 forms: strx1-4, addrx1-4, data16, implicit_const, indirect, line_strp, raw and resolved', () => {
  const abbrev = abbrevs(new Asm(), [
    [1, D.DW_TAG_compile_unit, true, [
      [D.DW_AT_producer, D.DW_FORM_strx1],
      [D.DW_AT_name, D.DW_FORM_strx3],
      [D.DW_AT_comp_dir, D.DW_FORM_line_strp],
      [D.DW_AT_str_offsets_base, D.DW_FORM_sec_offset],
      [D.DW_AT_addr_base, D.DW_FORM_sec_offset],
      [D.DW_AT_low_pc, D.DW_FORM_addrx3],
    ]],
    [2, D.DW_TAG_variable, false, [
      [D.DW_AT_name, D.DW_FORM_strx],
      [D.DW_AT_decl_line, D.DW_FORM_implicit_const, -7],
      [D.DW_AT_const_value, D.DW_FORM_data16],
      [D.DW_AT_location, D.DW_FORM_indirect],
      [D.DW_AT_external, D.DW_FORM_indirect],
      [D.DW_AT_low_pc, D.DW_FORM_addrx4],
      [D.DW_AT_high_pc, D.DW_FORM_udata],
      [D.DW_AT_linkage_name, D.DW_FORM_strx4],
      [D.DW_AT_description, D.DW_FORM_strx2],
      [D.DW_AT_entry_pc, D.DW_FORM_addrx2],
      [D.DW_AT_call_pc, D.DW_FORM_addrx1],
      [D.DW_AT_call_return_pc, D.DW_FORM_addrx],
    ]],
  ]).build();
  const str = new Asm().cstr('producer').cstr('main').cstr('var').build();
  const lineStr = new Asm().cstr('/src').build();
  const strOff = new Asm().initialLength('end').u16(5).u16(0).label('base').u32(0).u32(9).u32(14).u32(9).label('end').build();
  const addr = new Asm().initialLength('end').u16(5).u8(8).u8(0).label('base').u64(0x1000).u64(0x1010).u64(0x1020).label('end').build();
  const info = new Asm()
    .initialLength('end')
    .u16(5).u8(D.DW_UT_compile).u8(8).u32(0)
    .uleb(1).u8(0).u24(1).u32(0).u32(8).u32(8).u24(2)
    .uleb(2).uleb(2)
    .bytes(Array.from({ length: 16 }, (_, i) => i))
    .uleb(D.DW_FORM_exprloc).uleb(2).u8(D.DW_OP_lit1).u8(D.DW_OP_stack_value)
    .uleb(D.DW_FORM_flag_present)
    .u32(0).uleb(0x20).u32(2).u16(3).u16(1).u8(2).uleb(1)
    .u8(0)
    .label('end')
    .build();
  const d = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev, '.debug_str': str, '.debug_line_str': lineStr, '.debug_str_offsets': strOff, '.debug_addr': addr }), { order: 'little' });
  const [u] = [...d.units()];
  assert.is(u!.version, 5);
  assert.is(u!.strOffsetsBase, 8);
  assert.is(u!.addrBase, 8);
  const root = u!.root();
  assert.equal([root.producer, root.name, root.compDir, root.lowPc], ['producer', 'main', '/src', 0x1020n]);
  const c = u!.entries();
  assert.ok(c.next());
  assert.ok(c.next());
  assert.is(c.depth, 1);
  const attrs = c.attrs();
  const v = values(attrs);
  assert.is(v.DW_AT_name, 2, 'raw strx index');
  assert.is(u!.attrString(attrs[0]!), 'var');
  assert.is(v.DW_AT_decl_line, -7, 'implicit_const from the abbreviation');
  assert.equal([...(v.DW_AT_const_value as Uint8Array)], Array.from({ length: 16 }, (_, i) => i));
  assert.is(attrs[3]!.form, D.DW_FORM_exprloc, 'indirect resolves to the form in the DIE');
  assert.ok(attrs[3]!.indirect);
  assert.equal(u!.expression(attrs[3]!.value as Uint8Array).map((o) => o.op), [D.DW_OP_lit1, D.DW_OP_stack_value]);
  assert.is(attrs[4]!.value, true);
  assert.is(u!.attrAddress(attrs[5]!), 0x1000n);
  assert.is(u!.highPc(attrs[6]!, 0x1000n), 0x1020n, 'constant high_pc is an offset from low_pc');
  assert.is(u!.attrString(attrs[7]!), 'var');
  assert.is(u!.attrString(attrs[8]!), 'main');
  assert.is(u!.attrAddress(attrs[9]!), 0x1010n);
  assert.is(u!.attrAddress(attrs[10]!), 0x1020n);
  assert.is(u!.attrAddress(attrs[11]!), 0x1010n);
  assert.not.ok(c.next());
});

test('DWARF 4 .debug_types unit, ref_sig8 from .debug_info, and a 64-bit unit beside a 32-bit one', () => {
  const abbrev = abbrevs(new Asm(), [
    [1, D.DW_TAG_compile_unit, true, []],
    [2, D.DW_TAG_variable, false, [[D.DW_AT_name, D.DW_FORM_string], [D.DW_AT_type, D.DW_FORM_ref_sig8]]],
    [3, D.DW_TAG_type_unit, true, []],
    [4, D.DW_TAG_base_type, false, [[D.DW_AT_name, D.DW_FORM_strp]]],
  ]).build();
  const str = new Asm().cstr('int').build();
  const sig = 0x1122334455667788n;
  const info = new Asm()
    // 32-bit DWARF 4 unit
    .initialLength('e1').u16(4).u32(0).u8(8)
    .uleb(1).uleb(2).cstr('x').u64(sig).u8(0)
    .label('e1')
    // 64-bit DWARF 4 unit: abbrev offset and strp widen to 8 bytes
    .label('u2')
    .initialLength('e2', 8).u16(4).u64(0).u8(8)
    .uleb(1).uleb(2).cstr('y').u64(sig).u8(0)
    .label('e2')
    .build();
  const types = new Asm()
    .initialLength('e').u16(4).u32(0).u8(8).u64(sig).ref('type', 4)
    .uleb(3).label('type').uleb(4).u32(0).u8(0)
    .label('e')
    .build();
  const d = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev, '.debug_str': str, '.debug_types': types }), { order: 'little' });
  const units = [...d.units()];
  assert.equal(units.map((u) => u.header.offsetSize), [4, 8]);
  const tu = d.typeUnit(sig)!;
  assert.ok(tu, 'type unit by signature');
  assert.ok(tu.header.inTypes);
  assert.is(tu.unitType, D.DW_UT_type);
  const c = tu.entriesAt(tu.offset + tu.header.typeOffset!);
  assert.ok(c.next());
  assert.is(c.tag, D.DW_TAG_base_type);
  assert.is(tu.attrString(c.attrs()[0]!), 'int');
  const v = units[1]!.entries();
  v.next();
  v.next();
  const ref = units[1]!.attrRef(v.attrs()[1]!);
  assert.equal(ref, { target: 'sig', signature: sig });
});

test('cursor: depth, skipChildren, nextSibling by DW_AT_sibling and by walking, null entries', () => {
  const abbrev = abbrevs(new Asm(), [
    [1, D.DW_TAG_compile_unit, true, []],
    [2, D.DW_TAG_structure_type, true, [[D.DW_AT_sibling, D.DW_FORM_ref4]]],
    [3, D.DW_TAG_member, false, [[D.DW_AT_name, D.DW_FORM_string]]],
    [4, D.DW_TAG_union_type, true, []],
  ]).build();
  const info = new Asm()
    .label('unit').initialLength('end').u16(4).u32(0).u8(8)
    .uleb(1)
    .label('s').uleb(2).ref('after_s', 4, 'unit')
    .uleb(3).cstr('a').uleb(3).cstr('b').u8(0)
    .label('after_s').uleb(4)
    .uleb(3).cstr('c').u8(0)
    .label('m').uleb(3).cstr('d')
    .u8(0)
    .label('end')
    .build();
  const d = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev }), { order: 'little' });
  const u = d.unitAt(0);
  const c = u.entries();
  const seen: [number, number][] = [];
  while (c.nextEntry()) seen.push([c.depth, c.tag]);
  assert.equal(seen, [
    [0, D.DW_TAG_compile_unit],
    [1, D.DW_TAG_structure_type],
    [2, D.DW_TAG_member],
    [2, D.DW_TAG_member],
    [2, 0],
    [1, D.DW_TAG_union_type],
    [2, D.DW_TAG_member],
    [2, 0],
    [1, D.DW_TAG_member],
    [1, 0],
  ]);
  assert.equal([...u.dies()].map((d) => [d.depth, d.tag]), seen.filter(([, t]) => t !== 0), 'dies() skips null entries');
  const s = u.entries();
  s.next();
  s.next();
  assert.is(s.tag, D.DW_TAG_structure_type);
  assert.ok(s.nextSibling(), 'jump by DW_AT_sibling');
  assert.is(s.tag, D.DW_TAG_union_type);
  assert.is(s.depth, 1);
  assert.ok(s.nextSibling(), 'walk the children (no DW_AT_sibling)');
  assert.is(s.tag, D.DW_TAG_member);
  assert.is(s.attrs()[0]!.value, 'd');
  assert.not.ok(s.nextSibling(), 'the last sibling');
  assert.ok(s.isNull);

  // passUntil: over the structure and its members (depths 1 and 2) to the union, then straight to its member.
  const unionTag = new Uint8Array(256);
  unionTag[D.DW_TAG_union_type] = 1;
  const p = u.entries();
  assert.ok(p.next());
  assert.is(p.passUntil(unionTag), 1, 'the shallowest DIE passed over: the structure');
  assert.ok(p.nextEntry());
  assert.equal([p.depth, p.tag], [1, D.DW_TAG_union_type]);
  const memberTag = new Uint8Array(256);
  memberTag[D.DW_TAG_member] = 1;
  assert.is(p.passUntil(memberTag), Infinity, 'nothing passed over');
  assert.ok(p.nextEntry());
  assert.equal([p.depth, p.tag, p.attrs()[0]!.value], [2, D.DW_TAG_member, 'c']);
  assert.is(p.passUntil(memberTag), Infinity, 'a null entry is no DIE passed over');
  assert.ok(p.nextEntry());
  assert.equal([p.depth, p.tag, p.attrs()[0]!.value], [1, D.DW_TAG_member, 'd']);
  assert.is(p.passUntil(unionTag), Infinity, 'to the end, over the closing null entry');
  assert.not.ok(p.nextEntry());
});

test('dwz: DW_FORM_GNU_strp_alt and GNU_ref_alt resolve in the supplementary file', () => {
  const supStr = new Asm().cstr('shared_name').build();
  const sup = Dwarf.load(loader({ '.debug_str': supStr }), { order: 'little' });
  const abbrev = abbrevs(new Asm(), [
    [1, D.DW_TAG_compile_unit, false, [[D.DW_AT_name, D.DW_FORM_GNU_strp_alt], [D.DW_AT_import, D.DW_FORM_GNU_ref_alt]]],
  ]).build();
  const info = new Asm().initialLength('end').u16(4).u32(0).u8(8).uleb(1).u32(0).u32(0x2a).label('end').build();
  const d = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev }), { order: 'little', sup });
  const u = d.unitAt(0);
  const c = u.entries();
  c.next();
  const [name, imp] = c.attrs();
  assert.is(u.attrString(name!), 'shared_name');
  assert.equal(u.attrRef(imp!), { target: 'sup', offset: 0x2a });
  const alone = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev }), { order: 'little' });
  const au = alone.unitAt(0);
  const ac = au.entries();
  ac.next();
  assert.throws(() => au.attrString(ac.attrs()[0]!), (e: unknown) => isParseError(e), 'no supplementary file loaded');
});

test('DWARF 2 ref_addr is address-sized, DWARF 3 offset-sized; big-endian units', () => {
  const abbrev = abbrevs(new Asm('big'), [[1, D.DW_TAG_compile_unit, false, [[D.DW_AT_import, D.DW_FORM_ref_addr], [D.DW_AT_name, D.DW_FORM_string]]]]).build();
  for (const [version, addrSize, refSize] of [
    [2, 4, 4],
    [2, 8, 8],
    [3, 8, 4],
  ] as const) {
    const info = new Asm('big').initialLength('end').u16(version).u32(0).u8(addrSize).uleb(1).uint(0x12n, refSize).cstr('n').label('end').build();
    const d = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev }), { order: 'big' });
    const u = d.unitAt(0);
    const c = u.entries();
    c.next();
    const [imp, name] = c.attrs();
    assert.is(imp!.value, 0x12, `v${version} addr ${addrSize}`);
    assert.is(name!.value, 'n');
  }
});

test('abbreviation tables are parsed once per offset; a bad unit header is skipped, the next unit read', () => {
  const abbrev = abbrevs(new Asm(), [[1, D.DW_TAG_compile_unit, false, [[D.DW_AT_name, D.DW_FORM_string]]]]).build();
  const info = new Asm()
    .initialLength('e1').u16(4).u32(0).u8(8).uleb(1).cstr('one').label('e1')
    .initialLength('e2').u16(9).u32(0).u8(8).uleb(1).cstr('bad').label('e2')
    .initialLength('e3').u16(4).u32(0).u8(8).uleb(1).cstr('three').label('e3')
    .build();
  const d = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev }), { order: 'little' });
  const errors: unknown[] = [];
  const units = [...d.units((e) => errors.push(e))];
  assert.equal(units.map((u) => u.root().name), ['one', 'three']);
  assert.is(errors.length, 1);
  assert.ok(isParseError(errors[0]));
  assert.match((errors[0] as Error).message, /unit version 9 \(at \.debug_info\+0x/);
  assert.is(units[0]!.abbrevs(), units[1]!.abbrevs(), 'one table object for both units');
});

test('a corrupt unit fails the same way every time (memoized), others are unaffected', () => {
  const abbrev = abbrevs(new Asm(), [[1, D.DW_TAG_compile_unit, false, [[D.DW_AT_name, D.DW_FORM_strp]]]]).build();
  const info = new Asm()
    .initialLength('e1').u16(4).u32(0).u8(8).uleb(1).u32(0x999).label('e1')
    .initialLength('e2').u16(4).u32(0).u8(8).uleb(7).label('e2')
    .build();
  const d = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev, '.debug_str': new Uint8Array([0x61, 0]) }), { order: 'little' });
  const [u1, u2] = [...d.units()];
  let first: unknown;
  try {
    u1!.root();
  } catch (e) {
    first = e;
  }
  assert.ok(isParseError(first));
  assert.is((first as ParseError).section, '.debug_str');
  try {
    u1!.root();
  } catch (e) {
    assert.is(e, first, 'the same error object');
  }
  assert.throws(() => u2!.entries().next(), (e: unknown) => isParseError(e) && /abbreviation code 7/.test((e as Error).message));
});

test.run();
