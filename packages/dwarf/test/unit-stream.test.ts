// streamUnits: the units of .debug_info read from pieces of the section
// are the units Dwarf.units reads from the whole of it — offsets, DIEs,
// attribute values and errors — whatever the piece size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ElfFile } from '@elfkit/elf';
import { fixtureBytes } from '@elfkit/fixtures';
import * as D from '../dist/index.js';
import { Dwarf, blockBounds, streamUnits, type MutableAttribute, type Unit } from '../dist/index.js';
import { Asm, loader } from './assembler.js';

/** Everything a walk sees of a unit, as text (read before the next unit: a streamed unit's bytes are reused). */
function describe(u: Unit): string {
  const out: string[] = [`unit ${u.offset}-${u.end} v${u.version} abbrev@${u.header.abbrevOffset}`];
  try {
    const c = u.entries();
    while (c.nextEntry()) {
      if (!c.abbrev) {
        out.push(`null ${c.offset}`);
        continue;
      }
      const attrs = c.attrs().map((a) => `${a.name}/${a.form}=${a.value instanceof Uint8Array ? [...a.value].join(',') : String(a.value)}`);
      out.push(`${c.offset} d${c.depth} t${c.tag} ${attrs.join(' ')}`);
    }
  } catch (e) {
    out.push(`error ${(e as Error).message}`);
  }
  return out.join('\n');
}

function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.slice(at, at + size));
  return out;
}

function compare(name: string, d: Dwarf, info: Uint8Array): number {
  const errors: string[] = [];
  const expected = [...d.units((e) => errors.push(e.message))].map(describe);
  // Piece sizes: the smallest only for small sections (a piece per byte of a Go binary's DWARF takes seconds).
  const sizes = [info.length < 65536 ? 1 : 997, info.length < 1 << 20 ? 7 : 65536, 4096, info.length || 1];
  for (const size of sizes) {
    const got: string[] = [];
    const errs: string[] = [];
    for (const u of streamUnits(d, pieces(info, size), (e) => errs.push(e.message))) got.push(describe(u));
    assert.equal(got, expected, `${name}, pieces of ${size}`);
    assert.equal(errs, errors, `${name}, pieces of ${size}: errors`);
  }
  return expected.length;
}

test('fixtures: the streamed units are the units, DIE by DIE', () => {
  for (const name of ['c/gcc-static', 'c/gcc-dwarf5', 'c/gcc-dwarf4', 'c/gcc-zstd', 'cpp/gxx-dwarf5', 'go/go1.27-amd64-cgo', 'go/go1.19-ppc64']) {
    const elf = ElfFile.parse(fixtureBytes(name));
    const load = (n: string) => {
      const s = elf.debugSection(n);
      return s ? elf.sectionData(s) : undefined;
    };
    const d = Dwarf.load(load, { order: elf.header.order, dwo: false });
    const n = compare(name, d, load('.debug_info')!);
    assert.ok(n > 0, name);
  }
});

test('damage: a bad header skipped, a unit running past the end reported — as Dwarf.units does', () => {
  const abbrev = new Asm().uleb(1).uleb(0x11).u8(0).uleb(3).uleb(8).uleb(0).uleb(0).uleb(0).build(); // compile_unit, DW_AT_name string
  const unit = (a: Asm, version: number, name: string, label: string) => a.initialLength(label).u16(version).u32(0).u8(8).uleb(1).cstr(name).label(label);
  const good = unit(unit(unit(new Asm(), 4, 'one', 'e1'), 9, 'bad', 'e2'), 4, 'three', 'e3').build();
  // The last unit claims more bytes than the section has.
  const cut = good.slice(0, good.length - 3);
  // An abbreviation code the table lacks, inside a sound unit.
  const badCode = new Asm().initialLength('e').u16(4).u32(0).u8(8).uleb(7).label('e').build();
  for (const [name, info] of [['skip', good], ['cut', cut], ['code', badCode]] as const) {
    const d = Dwarf.load(loader({ '.debug_info': info, '.debug_abbrev': abbrev }), { order: 'little' });
    compare(name, d, info);
  }
});

test('a unit is read without loading the whole section; abbreviation tables are not left in the Dwarf cache', () => {
  const elf = ElfFile.parse(fixtureBytes('c/gcc-static'));
  const asked: string[] = [];
  const d = Dwarf.load((n) => {
    asked.push(n);
    const s = elf.debugSection(n);
    return s ? elf.sectionData(s) : undefined;
  }, { order: elf.header.order, dwo: false });
  const info = elf.sectionData(elf.debugSection('.debug_info')!);
  const names = [...streamUnits(d, pieces(info, 1000))].map((u) => u.root().name);
  assert.ok(names.length > 0);
  assert.not.ok(asked.includes('.debug_info'), asked.join(' '));
});

test('attrsWanted with blockOffsets: each block read in place is the block attrs() copies (exprloc, block, block1, block2, block4; both byte orders)', () => {
  const forms = [D.DW_FORM_exprloc, D.DW_FORM_block, D.DW_FORM_block1, D.DW_FORM_block2, D.DW_FORM_block4];
  const names = [D.DW_AT_location, D.DW_AT_frame_base, D.DW_AT_data_member_location, D.DW_AT_const_value, D.DW_AT_vtable_elem_location];
  for (const order of ['little', 'big'] as const) {
    const abbrev = new Asm(order).uleb(1).uleb(D.DW_TAG_variable).u8(0);
    forms.forEach((f, i) => abbrev.uleb(names[i]!).uleb(f));
    abbrev.uleb(D.DW_AT_decl_line).uleb(D.DW_FORM_data1).uleb(0).uleb(0).uleb(0);
    const body = (n: number) => Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    const sizes = [9, 200, 3, 300, 5];
    const info = new Asm(order).initialLength('e').u16(4).u32(0).u8(8).uleb(1);
    info.uleb(sizes[0]!).bytes(body(sizes[0]!)).uleb(sizes[1]!).bytes(body(sizes[1]!)).u8(sizes[2]!).bytes(body(sizes[2]!));
    info.u16(sizes[3]!).bytes(body(sizes[3]!)).u32(sizes[4]!).bytes(body(sizes[4]!)).u8(42).label('e');
    const bytes = info.build();
    const d = Dwarf.load(loader({ '.debug_info': bytes, '.debug_abbrev': abbrev.build() }), { order });
    // Through a stream too, so that the window's base is not 0.
    for (const u of [[...d.units()][0]!, ...streamUnits(d, pieces(bytes, 5))]) {
      const c = u.entries();
      assert.ok(c.next());
      const copies = c.attrs();
      const out: MutableAttribute[] = [];
      const wanted = new Uint8Array(256).fill(1);
      const n = c.attrsWanted(out, wanted, { blockOffsets: true });
      assert.is(n, copies.length);
      for (let i = 0; i < n; i++) {
        const a = out[i]!;
        if (i === n - 1) {
          assert.is(a.value, 42, 'other forms as attrs() gives them');
          assert.is(blockBounds(u.sectionBytes, u.bytesBase, a.form, 0, order === 'little'), undefined);
          continue;
        }
        const [start, length] = blockBounds(u.sectionBytes, u.bytesBase, a.form, a.value as number, order === 'little')!;
        assert.equal(u.sectionBytes.subarray(start, start + length), copies[i]!.value, `${order} form ${a.form}`);
      }
      assert.not.ok(c.next());
    }
  }
});

test.run();
