// The type reader on hand-built DWARF (the shapes compilers rarely emit:
// DWARF 3 bit offsets in both byte orders, member locations as
// expressions, virtual bases, Fortran bounds, signed enumerators in data
// forms, cross-unit references, C++ static members, abstract and concrete
// functions, damaged and circular types) and on the Go fixtures of every
// toolchain: the layouts, variables and constants a goroutine lister
// needs, with variable addresses checked against the ELF symbol table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isParseError } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import { fixtureBytes, fixtures } from '@elfkit/fixtures';
import * as D from '../dist/index.js';
import { DwarfTypes, TypeLookupError, typeName } from '../dist/index.js';
import { buildDwarf, data, dwarfOf, expr, flag, ref, refAddr, sdata, str, udata, type DieSpec } from './die-builder.js';

const base = (label: string, name: string, size: number, enc: number): DieSpec => ({ label, tag: D.DW_TAG_base_type, attrs: [str(D.DW_AT_name, name), data(D.DW_AT_byte_size, size), data(D.DW_AT_encoding, enc)] });
const member = (name: string | undefined, type: string, loc: number, more: ReturnType<typeof data>[] = []): DieSpec => ({
  tag: D.DW_TAG_member,
  attrs: [...(name ? [str(D.DW_AT_name, name)] : []), ref(D.DW_AT_type, type), data(D.DW_AT_data_member_location, loc), ...more],
});
const cu = (lang: number, children: DieSpec[]): DieSpec => ({ tag: D.DW_TAG_compile_unit, attrs: [data(D.DW_AT_language, lang)], children });

/** A C unit: a struct with DWARF 3 bit fields, an anonymous union, locations as expressions; a class with a virtual base. */
function cStructs(): DieSpec {
  return cu(D.DW_LANG_C99, [
    base('int', 'int', 4, D.DW_ATE_signed),
    base('uint', 'unsigned int', 4, D.DW_ATE_unsigned),
    base('char', 'char', 1, D.DW_ATE_signed_char),
    {
      label: 'S',
      tag: D.DW_TAG_structure_type,
      attrs: [str(D.DW_AT_name, 'S'), data(D.DW_AT_byte_size, 16)],
      children: [
        { tag: D.DW_TAG_member, attrs: [str(D.DW_AT_name, 'a'), ref(D.DW_AT_type, 'int'), expr(D.DW_AT_data_member_location, [D.DW_OP_plus_uconst, 0])] },
        member('bf1', 'uint', 4, [data(D.DW_AT_byte_size, 4), data(D.DW_AT_bit_size, 3), data(D.DW_AT_bit_offset, 29)]),
        member('bf2', 'uint', 4, [data(D.DW_AT_byte_size, 4), data(D.DW_AT_bit_size, 5), data(D.DW_AT_bit_offset, 24)]),
        member(undefined, 'U', 8),
        { tag: D.DW_TAG_member, attrs: [str(D.DW_AT_name, 'last'), ref(D.DW_AT_type, 'int'), expr(D.DW_AT_data_member_location, [D.DW_OP_constu, 12, D.DW_OP_plus])] },
        // A static member takes no room.
        { tag: D.DW_TAG_member, attrs: [str(D.DW_AT_name, 'shared'), ref(D.DW_AT_type, 'int'), flag(D.DW_AT_external), flag(D.DW_AT_declaration)] },
      ],
    },
    {
      label: 'U',
      tag: D.DW_TAG_union_type,
      attrs: [data(D.DW_AT_byte_size, 4)],
      children: [member('x', 'int', 0), { tag: D.DW_TAG_member, attrs: [str(D.DW_AT_name, 'y'), ref(D.DW_AT_type, 'char')] }],
    },
    {
      label: 'V',
      tag: D.DW_TAG_class_type,
      attrs: [str(D.DW_AT_name, 'V'), data(D.DW_AT_byte_size, 24)],
      children: [
        {
          tag: D.DW_TAG_inheritance,
          attrs: [ref(D.DW_AT_type, 'S'), expr(D.DW_AT_data_member_location, [D.DW_OP_dup, D.DW_OP_deref, D.DW_OP_constu, 24, D.DW_OP_minus, D.DW_OP_deref, D.DW_OP_plus]), data(D.DW_AT_virtuality, 1)],
        },
        member('own', 'int', 8),
      ],
    },
  ]);
}

test('structs: DWARF 3 bit offsets in both byte orders, anonymous members promoted, locations as expressions, static members left out', () => {
  for (const order of ['little', 'big'] as const) {
    const types = new DwarfTypes(dwarfOf(buildDwarf([cStructs()], { order }), order));
    const s = types.structByName('S');
    assert.is(s.size, 16);
    assert.equal(
      s.members.map((m) => m.name ?? '<anon>'),
      ['a', 'bf1', 'bf2', '<anon>', 'last'],
      'the static member is no member',
    );
    const bf1 = s.member('bf1');
    const bf2 = s.member('bf2');
    // Little endian: bits from the least significant end, 32 + 32 - bit_offset - bit_size; big endian: 32 + bit_offset.
    assert.equal([bf1.bitOffset, bf1.bitSize, bf2.bitOffset, bf2.bitSize], order === 'little' ? [32, 3, 35, 5] : [61, 3, 56, 5], order);
    assert.equal([bf1.offset, bf1.member!.bitInUnit], order === 'little' ? [4, 0] : [4, 29]);
    assert.is(s.offsetOf('x'), 8, 'x of the anonymous union, promoted');
    assert.is(s.member('y').offset, 8, 'a union member without a location is at 0');
    assert.is(s.offsetOf('a'), 0, 'DW_OP_plus_uconst 0');
    assert.is(types.structByName('struct S').offsetOf('last'), 12, 'DW_OP_constu 12, DW_OP_plus');
    assert.is(s.findMember('nope'), undefined);
    assert.throws(
      () => s.member('nope'),
      (e: unknown) => e instanceof TypeLookupError && e.what === 'member' && /struct S has no member 'nope'; its members: a, bf1, bf2/.test(e.message),
    );
    assert.throws(() => s.member('bf1.z'), (e: unknown) => e instanceof TypeLookupError && /bit field/.test(e.message));
    assert.throws(() => s.member('a.b'), (e: unknown) => e instanceof TypeLookupError && /is int, which has no member 'b'/.test(e.message));
    const v = types.structByName('class V');
    assert.is(v.members[0]!.inheritance, true);
    assert.is(v.members[0]!.location, undefined, 'a virtual base has no fixed offset');
    assert.is(v.offsetOf('own'), 8);
    assert.throws(() => v.member('a'), (e: unknown) => e instanceof TypeLookupError && /virtual base/.test(e.message));
  }
});

test('arrays: bounds as count or upper bound, flexible, multi-dimensional paths, Fortran lower bounds', () => {
  const sub = (attrs: ReturnType<typeof data>[]): DieSpec => ({ tag: D.DW_TAG_subrange_type, attrs });
  const sections = buildDwarf([
    cu(D.DW_LANG_C99, [
      base('int', 'int', 4, D.DW_ATE_signed),
      { label: 'grid', tag: D.DW_TAG_array_type, attrs: [ref(D.DW_AT_type, 'int')], children: [sub([data(D.DW_AT_upper_bound, 1)]), sub([data(D.DW_AT_count, 3)])] },
      { label: 'flex', tag: D.DW_TAG_array_type, attrs: [ref(D.DW_AT_type, 'int')], children: [sub([])] },
      { label: 'empty', tag: D.DW_TAG_array_type, attrs: [ref(D.DW_AT_type, 'int')], children: [sub([[D.DW_AT_upper_bound, D.DW_FORM_data8, 0xffffffffffffffffn]])] },
      { tag: D.DW_TAG_structure_type, attrs: [str(D.DW_AT_name, 'T'), data(D.DW_AT_byte_size, 28)], children: [member('n', 'int', 0), member('g', 'grid', 4), member('tail', 'flex', 28), member('none', 'empty', 28)] },
    ]),
    cu(D.DW_LANG_Fortran90, [base('real', 'real', 4, D.DW_ATE_float), { tag: D.DW_TAG_array_type, attrs: [str(D.DW_AT_name, 'vec'), ref(D.DW_AT_type, 'real')], children: [sub([data(D.DW_AT_upper_bound, 10)])] }]),
  ]);
  const types = new DwarfTypes(dwarfOf(sections));
  const t = types.structByName('T');
  const g = t.member('g');
  assert.is(g.size, 24);
  assert.is(typeName(g.type), 'int [2][3]');
  assert.is(t.offsetOf('g[1][2]'), 4 + 4 * (3 + 2));
  assert.is(t.offsetOf('g[1]'), 16, 'one index selects a row');
  assert.is(t.member('g[1]').size, 12);
  assert.throws(() => t.member('g[2]'), (e: unknown) => e instanceof TypeLookupError && /past the end of g \(2 elements\)/.test(e.message));
  assert.throws(() => t.member('n[0]'), (e: unknown) => e instanceof TypeLookupError && /not an array/.test(e.message));
  const tail = t.member('tail');
  assert.is(tail.size, 0, 'a flexible array takes no room');
  assert.is((tail.type as D.ArrayType).count, undefined);
  assert.is(t.member('none').size, 0, 'gcc writes a zero-length array as upper bound -1');
  const vec = types.typeByName('vec') as D.ArrayType;
  assert.equal(vec.dimensions, [{ lowerBound: 1, count: 10 }], 'Fortran arrays start at 1');
  assert.is(vec.size, 40);
});

test('enumerations and constants: data forms signed by their type, enumerators as constants, Go-style DW_TAG_constant', () => {
  const sections = buildDwarf([
    cu(D.DW_LANG_C99, [
      base('schar', 'signed char', 1, D.DW_ATE_signed_char),
      base('uchar', 'unsigned char', 1, D.DW_ATE_unsigned_char),
      {
        tag: D.DW_TAG_enumeration_type,
        attrs: [str(D.DW_AT_name, 'sgn'), data(D.DW_AT_byte_size, 1), ref(D.DW_AT_type, 'schar')],
        children: [
          { tag: D.DW_TAG_enumerator, attrs: [str(D.DW_AT_name, 'E_NEG'), data(D.DW_AT_const_value, 0xfe)] },
          { tag: D.DW_TAG_enumerator, attrs: [str(D.DW_AT_name, 'E_BIG'), sdata(D.DW_AT_const_value, 100)] },
        ],
      },
      {
        tag: D.DW_TAG_enumeration_type,
        attrs: [str(D.DW_AT_name, 'uns'), data(D.DW_AT_byte_size, 1), ref(D.DW_AT_type, 'uchar')],
        children: [{ tag: D.DW_TAG_enumerator, attrs: [str(D.DW_AT_name, 'U_TOP'), data(D.DW_AT_const_value, 0xfe)] }],
      },
      { tag: D.DW_TAG_constant, attrs: [str(D.DW_AT_name, 'pkg._Gmask'), ref(D.DW_AT_type, 'schar'), data(D.DW_AT_const_value, 0xff)] },
      { tag: D.DW_TAG_constant, attrs: [str(D.DW_AT_name, 'pkg._Gbig'), ref(D.DW_AT_type, 'uchar'), udata(D.DW_AT_const_value, 2n ** 60n)] },
      { tag: D.DW_TAG_constant, attrs: [str(D.DW_AT_name, 'pkg.label'), str(D.DW_AT_const_value, 'hi')] },
    ]),
  ]);
  const types = new DwarfTypes(dwarfOf(sections));
  const e = types.typeByName('enum sgn') as D.EnumType;
  assert.equal(e.enumerators, [
    { name: 'E_NEG', value: -2n },
    { name: 'E_BIG', value: 100n },
  ]);
  assert.is((types.typeByName('uns') as D.EnumType).enumerators[0]!.value, 254n);
  assert.is(types.constant('E_NEG').value, -2n);
  assert.is(types.constant('E_NEG').source, 'enumerator');
  assert.is(typeName(types.constant('E_NEG').type), 'enum sgn');
  assert.is(types.constant('pkg._Gmask').number, -1);
  assert.is(types.constant('pkg._Gbig').value, 2n ** 60n);
  assert.throws(() => types.constant('pkg._Gbig').number, (x: unknown) => x instanceof TypeLookupError);
  assert.is(types.constant('pkg.label').value, 'hi');
  assert.equal(
    types.constants('pkg._G').map((c) => c.name),
    ['pkg._Gmask', 'pkg._Gbig'],
  );
  assert.throws(() => types.constant('pkg.nope'), (x: unknown) => x instanceof TypeLookupError && x.what === 'constant' && /no constant named pkg\.nope/.test(x.message));
});

test('references across units: definitions over declarations, ref_addr, variables by DW_OP_addr, TLS, C++ static members by specification', () => {
  const sections = buildDwarf([
    cu(D.DW_LANG_C_plus_plus, [
      base('int', 'int', 4, D.DW_ATE_signed),
      { label: 'fooDecl', tag: D.DW_TAG_structure_type, attrs: [str(D.DW_AT_name, 'Foo'), flag(D.DW_AT_declaration)] },
      { tag: D.DW_TAG_variable, attrs: [str(D.DW_AT_name, 'gfoo'), ref(D.DW_AT_type, 'fooDecl'), flag(D.DW_AT_external), expr(D.DW_AT_location, [D.DW_OP_addr, 0, 0x10, 0, 0, 0, 0, 0, 0])] },
      { tag: D.DW_TAG_variable, attrs: [str(D.DW_AT_name, 'tls'), ref(D.DW_AT_type, 'int'), expr(D.DW_AT_location, [D.DW_OP_const8u, 0x10, 0, 0, 0, 0, 0, 0, 0, D.DW_OP_GNU_push_tls_address])] },
      {
        tag: D.DW_TAG_namespace,
        attrs: [str(D.DW_AT_name, 'ns')],
        children: [
          {
            tag: D.DW_TAG_class_type,
            attrs: [str(D.DW_AT_name, 'C'), data(D.DW_AT_byte_size, 4)],
            children: [{ label: 'countDecl', tag: D.DW_TAG_member, attrs: [str(D.DW_AT_name, 'count'), ref(D.DW_AT_type, 'int'), flag(D.DW_AT_external), flag(D.DW_AT_declaration)] }, member('v', 'int', 0)],
          },
        ],
      },
      { tag: D.DW_TAG_variable, attrs: [ref(D.DW_AT_specification, 'countDecl'), expr(D.DW_AT_location, [D.DW_OP_addr, 0, 0x20, 0, 0, 0, 0, 0, 0])] },
      { tag: D.DW_TAG_variable, attrs: [str(D.DW_AT_name, 'externOnly'), ref(D.DW_AT_type, 'int'), flag(D.DW_AT_external), flag(D.DW_AT_declaration)] },
    ]),
    cu(D.DW_LANG_C_plus_plus, [
      { tag: D.DW_TAG_structure_type, attrs: [str(D.DW_AT_name, 'Foo'), data(D.DW_AT_byte_size, 8)], children: [{ tag: D.DW_TAG_member, attrs: [str(D.DW_AT_name, 'm'), refAddr(D.DW_AT_type, 'int'), data(D.DW_AT_data_member_location, 4)] }] },
    ]),
  ]);
  const types = new DwarfTypes(dwarfOf(sections));
  const foo = types.typeByName('Foo');
  assert.is(foo.size, 8, 'the definition in the other unit, not the declaration');
  assert.is(foo.declaration, false);
  assert.is(typeName(foo.member('m').type), 'int', 'DW_FORM_ref_addr into the first unit');
  const g = types.variable('gfoo');
  assert.is(g.address, 0x1000n);
  assert.is(g.external, true);
  assert.is(g.type?.declaration, true, 'the variable\'s own type DIE (a declaration)');
  assert.is(types.variable('tls').tlsOffset, 0x10n);
  assert.is(types.variable('tls').address, undefined);
  const count = types.variable('ns::C::count');
  assert.is(count.address, 0x2000n, 'the out-of-class definition (DW_AT_specification)');
  assert.is(typeName(count.type), 'int', 'its type from the declaration');
  assert.is(types.variable('count').address, 0x2000n, 'C++ names answer unqualified too');
  assert.is(types.structByName('ns::C').offsetOf('v'), 0);
  const ext = types.variable('externOnly');
  assert.is(ext.declaration, true);
  assert.is(ext.address, undefined);
  assert.throws(() => types.variable('nope'), (e: unknown) => e instanceof TypeLookupError && e.what === 'variable');
  assert.throws(() => types.typeByName('Nope'), (e: unknown) => e instanceof TypeLookupError && /no type named Nope/.test((e as Error).message));
});

test('functions: parameters from the abstract instance in order, code and locations from the out-of-line copy', () => {
  const sections = buildDwarf([
    cu(D.DW_LANG_Go, [
      base('int', 'int', 8, D.DW_ATE_signed),
      {
        label: 'abs',
        tag: D.DW_TAG_subprogram,
        attrs: [str(D.DW_AT_name, 'main.f'), data(D.DW_AT_inline, 1)],
        children: [
          { label: 'pa', tag: D.DW_TAG_formal_parameter, attrs: [str(D.DW_AT_name, 'a'), ref(D.DW_AT_type, 'int'), data(D.DW_AT_variable_parameter, 0)] },
          { label: 'pb', tag: D.DW_TAG_formal_parameter, attrs: [str(D.DW_AT_name, 'b'), ref(D.DW_AT_type, 'int'), data(D.DW_AT_variable_parameter, 0)] },
          { label: 'pr', tag: D.DW_TAG_formal_parameter, attrs: [str(D.DW_AT_name, '~r0'), ref(D.DW_AT_type, 'int'), data(D.DW_AT_variable_parameter, 1)] },
        ],
      },
      {
        tag: D.DW_TAG_subprogram,
        attrs: [ref(D.DW_AT_abstract_origin, 'abs'), [D.DW_AT_low_pc, D.DW_FORM_addr, 0x400], [D.DW_AT_high_pc, D.DW_FORM_data4, 0x20]],
        children: [{ tag: D.DW_TAG_formal_parameter, attrs: [ref(D.DW_AT_abstract_origin, 'pb'), expr(D.DW_AT_location, [D.DW_OP_reg3])] }],
      },
      {
        tag: D.DW_TAG_subprogram,
        attrs: [str(D.DW_AT_name, 'main.g'), [D.DW_AT_low_pc, D.DW_FORM_addr, 0x500], [D.DW_AT_high_pc, D.DW_FORM_data4, 0x10]],
        children: [{ tag: D.DW_TAG_formal_parameter, attrs: [str(D.DW_AT_name, 'x'), ref(D.DW_AT_type, 'int'), expr(D.DW_AT_location, [D.DW_OP_reg0])] }],
      },
    ]),
  ]);
  const types = new DwarfTypes(dwarfOf(sections));
  const f = types.func('main.f');
  assert.equal([f.lowPc, f.highPc, f.declaration], [0x400n, 0x420n, false]);
  assert.equal(
    f.params.map((p) => [p.name, typeName(p.type), p.variableParameter, p.location !== undefined]),
    [
      ['a', 'int', false, false],
      ['b', 'int', false, true],
      ['~r0', 'int', true, false],
    ],
  );
  const g = types.func('main.g');
  assert.equal([g.lowPc, g.params.map((p) => p.name)], [0x500n, ['x']]);
  assert.throws(() => types.func('main.h'), (e: unknown) => e instanceof TypeLookupError && e.what === 'function');
});

test('damaged types: circular chains, a struct holding itself, references to nowhere are ParseErrors with a place', () => {
  const sections = buildDwarf([
    cu(D.DW_LANG_C99, [
      base('int', 'int', 4, D.DW_ATE_signed),
      { label: 'A', tag: D.DW_TAG_typedef, attrs: [str(D.DW_AT_name, 'A'), ref(D.DW_AT_type, 'B')] },
      { label: 'B', tag: D.DW_TAG_typedef, attrs: [str(D.DW_AT_name, 'B'), ref(D.DW_AT_type, 'A')] },
      { label: 'P', tag: D.DW_TAG_pointer_type, attrs: [ref(D.DW_AT_type, 'P')] },
      { tag: D.DW_TAG_typedef, attrs: [str(D.DW_AT_name, 'loop_ptr'), ref(D.DW_AT_type, 'P')] },
      // A DWARF 3 bit field needs its type's size while its struct is read: here the struct itself.
      { label: 'Self', tag: D.DW_TAG_structure_type, attrs: [str(D.DW_AT_name, 'Self')], children: [member('s', 'Self', 0, [data(D.DW_AT_bit_size, 1), data(D.DW_AT_bit_offset, 0)])] },
      { tag: D.DW_TAG_typedef, attrs: [str(D.DW_AT_name, 'far'), [D.DW_AT_type, D.DW_FORM_ref4, 0x7fff]] },
      { tag: D.DW_TAG_typedef, attrs: [str(D.DW_AT_name, 'tonull'), ref(D.DW_AT_type, 'nullEntry')] },
      { tag: D.DW_TAG_structure_type, attrs: [str(D.DW_AT_name, 'Holder')], children: [{ tag: D.DW_TAG_lexical_block, endLabel: 'nullEntry', children: [] }] },
    ]),
  ]);
  const types = new DwarfTypes(dwarfOf(sections));
  const place = (e: unknown) => isParseError(e) && /\(at \.debug_info\+0x[0-9a-f]+\)$/.test((e as Error).message);
  const circ = (e: unknown) => place(e) && /circular/.test((e as Error).message);
  assert.throws(() => types.typeByName('A').size, circ);
  assert.throws(() => types.typeByName('A').strip(), circ);
  assert.throws(() => typeName((types.typeByName('loop_ptr') as D.TypedefType).target), circ);
  assert.throws(() => types.typeByName('Self'), circ);
  assert.throws(() => types.typeByName('far').strip(), (e: unknown) => place(e) && /outside its unit/.test((e as Error).message));
  assert.throws(() => types.typeByName('tonull').strip(), (e: unknown) => place(e) && /not a DIE/.test((e as Error).message));
});

// ---- Go fixtures -------------------------------------------------------------

function elfDwarf(bytes: Uint8Array): { elf: ElfFile; types: DwarfTypes } {
  const elf = ElfFile.parse(bytes);
  const load = (n: string) => {
    const s = elf.debugSection(n);
    return s && s.type !== 8 ? elf.sectionData(s) : undefined;
  };
  return { elf, types: new DwarfTypes(D.Dwarf.load(load, { order: elf.header.order })) };
}

const goFixtures = fixtures().filter((f) => f.lang === 'go' && f.dwarf !== null);

test('Go fixtures: the layouts, variables and constants of goroutines resolve on every toolchain and arch', () => {
  let checked = 0;
  for (const f of goFixtures) {
    const { elf, types } = elfDwarf(fixtureBytes(f));
    const ptr = elf.bits / 8;
    const g = types.typeByName('runtime.g');
    assert.is(g.kind, 'struct', f.name);
    assert.is(g.offsetOf('stack.lo'), 0, f.name);
    assert.is(g.offsetOf('stack.hi'), ptr, f.name);
    // sched.sp is the first field of gobuf on every release.
    assert.is(g.offsetOf('sched.sp'), g.offsetOf('sched'), f.name);
    assert.is(g.offsetOf('sched.pc'), g.offsetOf('sched') + ptr, f.name);
    assert.is(g.member('goid').size, 8, f.name);
    assert.is(g.member('waitreason').size, 1, f.name);
    // atomicstatus: a uint32 until Go 1.19, then atomic.Uint32 whose value is the field.
    const status = g.member('atomicstatus');
    const viaValue = g.findMember('atomicstatus.value');
    assert.ok(status.size === 4 && (viaValue === undefined || viaValue.offset === status.offset), f.name);
    assert.is(viaValue === undefined, /1\.19\b/.test(f.go!), `${f.name}: atomicstatus.value from 1.20`);
    for (const t of ['runtime.m', 'runtime.gobuf', 'runtime.stack', 'runtime.sudog', 'runtime.p', 'runtime.schedt']) assert.ok(types.typeByName(t).size! > 0, `${f.name} ${t}`);
    assert.ok(types.typeByName('runtime.m').findMember('curg') && types.typeByName('runtime.m').findMember('procid'), f.name);
    assert.is(types.typeByName('runtime.waitReason').size, 1, f.name);
    // Variables: the addresses DWARF gives are the symbol table's.
    for (const v of ['runtime.allgs', 'runtime.allglen', 'runtime.allm', 'runtime.waitReasonStrings']) {
      const sym = elf.symbols().find((s) => s.name === v);
      assert.ok(sym, `${f.name}: symbol ${v}`);
      assert.is(types.variable(v).address, sym!.value, `${f.name} ${v}`);
    }
    assert.is(types.variable('runtime.allgs').type?.size, 3 * ptr, `${f.name}: a slice`);
    // Statuses have been 0-9 (and _Gscan 0x1000) on every release since 1.14.
    const statuses = ['_Gidle', '_Grunnable', '_Grunning', '_Gsyscall', '_Gwaiting', '_Gmoribund_unused', '_Gdead', '_Genqueue_unused', '_Gcopystack', '_Gpreempted'];
    statuses.forEach((s, i) => assert.is(types.constant(`runtime.${s}`).number, i, `${f.name} ${s}`));
    assert.is(types.constant('runtime._Gscan').number, 0x1000, f.name);
    // waitReasonStrings is indexed by waitReason: one string per waitReason constant.
    const reasons = types.constants('runtime.waitReason').filter((c) => typeName(c.type) === 'runtime.waitReason');
    const max = reasons.reduce((m, c) => ((c.value as bigint) > m ? (c.value as bigint) : m), 0n);
    const strings = types.variable('runtime.waitReasonStrings').type as D.ArrayType;
    assert.is(strings.kind, 'array', f.name);
    assert.is(strings.count, Number(max) + 1, `${f.name}: waitReasonStrings has one string per waitReason`);
    assert.is(typeName(strings.element), 'string', f.name);
    const gopark = types.func('runtime.gopark');
    assert.ok(gopark.lowPc !== undefined && gopark.params.length >= 4, f.name);
    assert.is(gopark.params[0]!.name, 'unlockf', f.name);
    assert.equal(types.errors, [], f.name);
    checked++;
  }
  assert.ok(checked >= 15, `${checked} Go fixtures`);
  console.log(`go types: runtime.g/m/p/gobuf/sudog/schedt, allgs/allglen/allm/waitReasonStrings, _G* statuses and gopark resolved on ${checked} Go fixtures`);
});

test('a name-prefix view answers every name with the prefix as the whole index does, and nothing else (Go and C fixtures)', () => {
  let compared = 0;
  const die = (x: { die?: D.DieRef } | undefined) => x?.die?.offset;
  for (const [name, prefix] of [...goFixtures.filter((f) => f.arch === 'amd64' || f.arch === 'arm64').map((f) => [f.name, 'runtime.'] as const), ['c/gcc-dwarf5', 'm'] as const, ['cpp/gxx-dwarf5', 'std::'] as const]) {
    const { types } = elfDwarf(fixtureBytes(name));
    const view = new DwarfTypes(types.dwarf, { namePrefix: prefix });
    const noFuncs = new DwarfTypes(types.dwarf, { namePrefix: prefix, functions: false });
    const all = [...types.allNames()];
    const mine = all.filter((n) => n.startsWith(prefix));
    assert.equal([...view.allNames()], mine, `${name}: the names with ${prefix}, in order`);
    assert.ok(mine.length > 0 && mine.length < all.length, `${name}: ${mine.length} of ${all.length}`);
    for (const n of mine) {
      assert.is(die(view.findType(n)), die(types.findType(n)), `${name} type ${n}`);
      assert.is(die(view.findVariable(n)), die(types.findVariable(n)), `${name} variable ${n}`);
      assert.is(die(view.findConstant(n)), die(types.findConstant(n)), `${name} constant ${n}`);
      assert.is(die(view.findFunc(n)), die(types.findFunc(n)), `${name} function ${n}`);
      assert.is(die(noFuncs.findType(n)), die(types.findType(n)), `${name} type ${n} (no functions)`);
      assert.is(die(noFuncs.findVariable(n)), die(types.findVariable(n)), `${name} variable ${n} (no functions)`);
      assert.is(noFuncs.findFunc(n), undefined, `${name} ${n}: functions are left out`);
      compared++;
    }
    const other = all.find((n) => !n.startsWith(prefix))!;
    assert.ok(!view.findType(other) && !view.findVariable(other) && !view.findFunc(other) && !view.findConstant(other), `${name}: ${other} is outside the view`);
  }
  assert.ok(compared > 10000, `${compared} names`);
  console.log(`name-prefix views: ${compared} names answered as the whole index answers`);
});

test('every global variable with a static address equals its ELF symbol (Go and C fixtures)', () => {
  let compared = 0;
  const names = [...goFixtures.filter((f) => f.arch === 'amd64').map((f) => f.name), 'c/gcc-dwarf5', 'c/gcc-dwarf4', 'c/clang-dwarf5', 'c/gcc-static'];
  for (const name of names) {
    const { elf, types } = elfDwarf(fixtureBytes(name));
    const syms = new Map<string, bigint[]>();
    for (const s of elf.symbols()) if (s.type === 1 /* STT_OBJECT */) syms.set(s.name, [...(syms.get(s.name) ?? []), s.value]);
    for (const n of types.allNames('variable')) {
      const v = types.findVariable(n)!;
      if (v.address === undefined) continue;
      const s = syms.get(n);
      if (!s) continue; // a static whose symbol has another name (C's `name.1234`) or none
      assert.ok(s.includes(v.address), `${name} ${n}: DWARF 0x${v.address.toString(16)}, symbols ${s.map((x) => '0x' + x.toString(16)).join(' ')}`);
      compared++;
    }
  }
  assert.ok(compared > 1000, `${compared} variables`);
  console.log(`variables: ${compared} DWARF addresses equal to the symbol table's`);
});

test('damaged .debug_info and .debug_abbrev: the type reader throws only ParseError, never hangs', () => {
  const cases = [
    { name: 'c/gcc-O2', variants: 150 },
    { name: 'go/go1.19-amd64', variants: 12 },
  ];
  let runs = 0;
  let errors = 0;
  for (const c of cases) {
    const elf = ElfFile.parse(fixtureBytes(c.name));
    const clean = new Map<string, Uint8Array>();
    for (const s of elf.sections) if (s.name.startsWith('.debug_')) clean.set(s.name, elf.sectionData(s));
    let seed = 0x1234567;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    for (let i = 0; i < c.variants; i++) {
      const target = i % 3 === 2 ? '.debug_abbrev' : '.debug_info';
      const b = clean.get(target)!.slice();
      for (let k = 1 + rand(6); k > 0; k--) b[rand(b.length)] = rand(256);
      const sections = new Map(clean);
      sections.set(target, i % 7 === 0 ? b.subarray(0, rand(b.length)) : b);
      const types = new DwarfTypes(D.Dwarf.load((n) => sections.get(n), { order: elf.header.order }));
      const t0 = Date.now();
      const guard = (fn: () => void) => {
        try {
          fn();
        } catch (e) {
          if (!isParseError(e) && !(e instanceof TypeLookupError)) throw new Error(`${c.name} variant ${i}: ${(e as Error).stack}`);
          if (isParseError(e)) errors++;
        }
      };
      guard(() => {
        for (const t of types.namedTypes()) {
          guard(() => {
            const s = t.strip();
            void typeName(t);
            void t.size;
            if (s && (s.kind === 'struct' || s.kind === 'union' || s.kind === 'class')) for (const m of s.members) guard(() => void [m.offset, m.size, typeName(m.type)]);
          });
        }
      });
      guard(() => void types.typeByName('runtime.g').offsetOf('sched.sp'));
      guard(() => void types.variable('runtime.allgs').address);
      assert.ok(Date.now() - t0 < 20000, `${c.name} variant ${i} took too long`);
      runs++;
    }
  }
  console.log(`type reader corrupt sweep: ${runs} damaged inputs, ${errors} ParseErrors, no other exception`);
});

test.run();
