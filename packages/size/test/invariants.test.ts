// bloaty's model holds on every fixture and every data source that applies:
// each byte of the file and each loaded address is charged to exactly one
// label, so the labels of a source add up to the file size and to the
// memory the PT_LOAD segments take, at every level of a nested tree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants as C, ElfFile } from '@elfkit/elf';
import { fixtureBytes, fixtures } from '@elfkit/fixtures';
import { DATA_SOURCES, SizeModel, type DataSource, type SizeNode } from '../dist/index.js';

const files = fixtures().filter((f) => f.kind !== 'dwo' && f.name !== 'many-sections/many.o');

/** Bytes of address space covered by the PT_LOAD segments (their union). */
function loadedSize(elf: ElfFile): number {
  const r = elf.segments.filter((p) => p.type === C.PT_LOAD && p.memsz > 0n).map((p) => [Number(p.vaddr), Number(p.vaddr + p.memsz)] as [number, number]);
  r.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of r) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}

/** Allocated sections of an object file (its made-up address space), .tbss aside (a per-thread template). */
function objectAllocSize(elf: ElfFile): number {
  return elf.sections.filter((s) => s.index > 0 && s.name !== '' && s.flags & C.SHF_ALLOC && !(s.flags & C.SHF_TLS && s.type === C.SHT_NOBITS)).reduce((n, s) => n + s.size, 0);
}

function checkSums(n: SizeNode, where: string): number {
  if (!n.children) return 0;
  const vm = n.children.reduce((s, c) => s + c.vmSize, 0);
  const file = n.children.reduce((s, c) => s + c.fileSize, 0);
  assert.is(vm, n.vmSize, `${where}: VM sizes of the children of ${n.label} add up`);
  assert.is(file, n.fileSize, `${where}: file sizes of the children of ${n.label} add up`);
  let checked = n.children.length;
  for (const c of n.children) checked += checkSums(c, where);
  return checked;
}

let checkedFiles = 0;
let checkedLabels = 0;
for (const f of files) {
  test(`${f.name}: every source's labels add up to the file size and the loaded size`, () => {
    const bytes = fixtureBytes(f);
    const elf = ElfFile.parse(bytes);
    const model = new SizeModel(elf);
    const vm = elf.header.type === C.ET_REL ? objectAllocSize(elf) : loadedSize(elf);
    assert.is(model.fileSize, bytes.length);
    assert.is(model.vmSize, vm);
    const sources = model.availableSources();
    assert.ok(sources.includes('sections') && sources.includes('segments') && sources.includes('symbols'));
    if (f.lang === 'go') assert.ok(sources.includes('go-packages'), 'a Go fixture has the Go sources');
    if (f.dwarf && f.kind !== 'rel' && f.kind !== 'dwp') assert.ok(sources.includes('compileunits'), 'a fixture with DWARF has compile units');
    for (const s of sources) {
      const tree = model.tree([s]);
      assert.is(tree.fileSize, bytes.length, `${s}: file total`);
      assert.is(tree.vmSize, vm, `${s}: VM total`);
      checkedLabels += checkSums(tree, `${f.name} -d ${s}`);
      assert.not.ok(tree.children?.some((c) => c.label === '[None]'), `${s}: no byte is left without a label`);
    }
    // Nested: every pair with sections inside, and a Go triple.
    const nested: DataSource[][] = sources.filter((s) => s !== 'sections').map((s) => [s, 'sections']);
    if (sources.includes('go-packages')) nested.push(['go-packages', 'go-functions', 'go-parts']);
    for (const ns of nested) {
      const tree = model.tree(ns);
      assert.is(tree.fileSize, bytes.length, `${ns}: file total`);
      assert.is(tree.vmSize, vm, `${ns}: VM total`);
      checkedLabels += checkSums(tree, `${f.name} -d ${ns}`);
    }
    assert.equal(model.errors.map((e) => e.message), [], 'no damaged records');
    checkedFiles++;
  });
}

test('sources that do not apply say why', () => {
  const elf = ElfFile.parse(fixtureBytes('c/gcc-stripped'));
  const m = new SizeModel(elf);
  assert.is(m.unavailable('compileunits'), 'missing debug info');
  assert.is(m.unavailable('go-packages'), 'not a Go binary (no pclntab)');
  assert.throws(() => m.tree(['compileunits']), /missing debug info/);
  const obj = new SizeModel(ElfFile.parse(fixtureBytes('obj/amd64.o')));
  assert.match(obj.unavailable('compileunits')!, /object files/);
  assert.is(DATA_SOURCES.length, 9);
});

test('summary', () => {
  console.log(`size invariants: ${checkedFiles} files, ${checkedLabels} labels checked`);
});

test.run();
