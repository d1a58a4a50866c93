// `.debug_info` read while it is still coming in (a section inflated in
// steps): units whose bytes are in are read from it; whatever needs more
// has the loader give the whole section first, so no read sees bytes that
// are not there yet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as D from '../dist/index.js';
import { Dwarf } from '../dist/index.js';
import { Asm } from './assembler.js';

const abbrev = new Asm().uleb(1).uleb(D.DW_TAG_compile_unit).u8(0).uleb(D.DW_AT_name).uleb(D.DW_FORM_string).uleb(0).uleb(0).uleb(0).build();
const info = new Asm()
  .initialLength('e1').u16(4).u32(0).u8(8).uleb(1).cstr('one').label('e1')
  .initialLength('e2').u16(4).u32(0).u8(8).uleb(1).cstr('two').label('e2')
  .initialLength('e3').u16(4).u32(0).u8(8).uleb(1).cstr('three').label('e3')
  .build();
const second = 4 + new DataView(info.buffer, info.byteOffset).getUint32(0, true);

/** A Dwarf over `info` of which the first `available` bytes are in (the rest zero), and how often the loader gave `.debug_info`. */
function growing(available: number) {
  const bytes = new Uint8Array(info.length);
  bytes.set(info.subarray(0, available));
  const loads = { info: 0 };
  const d = Dwarf.load(
    (name) => {
      if (name === '.debug_info') loads.info++;
      return name === '.debug_info' ? info : name === '.debug_abbrev' ? abbrev : undefined;
    },
    { order: 'little', dwo: false, growing: (name) => (name === '.debug_info' ? { bytes, available } : undefined) },
  );
  return { d, loads };
}

test('a unit whose bytes are in is read from the growing section; the loader is not asked', () => {
  const { d, loads } = growing(second);
  assert.is(d.unitAt(0).root().name, 'one');
  assert.is(loads.info, 0);
});

test('a unit beyond what is in, or a header cut by it, has the loader give the whole section', () => {
  for (const available of [second, second + 3, second + 8]) {
    const { d, loads } = growing(available);
    assert.is(d.unitAt(0).root().name, 'one');
    assert.is(d.unitAt(second).root().name, 'two', `${available}`);
    assert.is(loads.info, 1);
  }
});

test('walking every unit, or finding the unit holding an offset, reads the whole section', () => {
  const walk = growing(second);
  assert.equal([...walk.d.units()].map((u) => u.root().name), ['one', 'two', 'three']);
  assert.is(walk.loads.info, 1);
  const containing = growing(second);
  assert.is(containing.d.unitContaining(info.length - 2)!.root().name, 'three');
  assert.is(containing.loads.info, 1);
});

test('a section that is all in is the loader\'s, as without a growing source', () => {
  const { d, loads } = growing(info.length);
  assert.is(d.unitAt(second).root().name, 'two');
  assert.is(loads.info, 1);
});

test.run();
