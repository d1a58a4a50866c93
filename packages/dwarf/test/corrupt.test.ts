// Corrupt sweep: truncate and flip bytes inside .debug_info, .debug_abbrev,
// .debug_line, .debug_str_offsets and .debug_rnglists of real binaries, then
// read everything a dump reads (every unit, DIE, resolved attribute, list,
// expression and line row). Nothing may throw anything but a ParseError
// naming a section and offset, hang, or produce more records than the
// bytes can hold; and damage inside one unit must not hide the others.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isParseError, type ParseError } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import { fixtureBytes } from '@elfkit/fixtures';
import * as D from '../dist/index.js';
import { Dwarf } from '../dist/index.js';

const TARGETS = ['.debug_info', '.debug_abbrev', '.debug_line', '.debug_str_offsets', '.debug_rnglists'];
const FIXTURES = ['c/clang-O2', 'c/gcc-O2', 'c/gcc-dwarf4', 'obj/s390x.o'];

function sectionsOf(name: string): Map<string, Uint8Array> {
  const elf = ElfFile.parse(fixtureBytes(name));
  const m = new Map<string, Uint8Array>();
  for (const s of elf.sections) if (s.name.startsWith('.debug_')) m.set(s.name, elf.sectionData(s));
  return m;
}

interface Dump {
  units: number;
  /** DIEs per unit offset. */
  dies: Map<number, number>;
  rows: number;
  errors: ParseError[];
}

const keep = (errors: ParseError[]) => (e: unknown) => {
  if (!isParseError(e)) throw e; // anything else is a bug and fails the test
  errors.push(e);
};

/** Reads everything `elfkit dwarf info` and `elfkit lines` would. */
function dumpAll(sections: Map<string, Uint8Array>, order: 'little' | 'big'): Dump {
  const d = Dwarf.load((n) => sections.get(n), { order });
  const errors: ParseError[] = [];
  const sink = keep(errors);
  const dies = new Map<number, number>();
  let units = 0;
  for (const u of d.units(sink)) {
    units++;
    let n = 0;
    try {
      const c = u.entries();
      while (c.nextEntry()) {
        n++;
        for (const a of c.attrs()) {
          try {
            const cls = D.formClass(a.form);
            if (cls === 'string') u.attrString(a);
            else if (cls === 'address') u.attrAddress(a);
            else if (cls === 'reference') u.attrRef(a);
            else if (cls === 'exprloc') u.expression(a.value as Uint8Array);
            else if (a.name === D.DW_AT_ranges) u.rangeListEntries(a);
            else if (a.name === D.DW_AT_location && (cls === 'sec_offset' || cls === 'loclist')) {
              for (const e of u.locationListEntries(a)) if (e.expression) u.expression(e.expression);
            }
          } catch (e) {
            sink(e);
          }
        }
      }
    } catch (e) {
      sink(e);
    }
    dies.set(u.offset, n);
  }
  let rows = 0;
  for (const p of d.linePrograms(sink)) {
    try {
      for (const r of p.program.rows()) {
        rows++;
        p.program.filePath(r.file);
      }
    } catch (e) {
      sink(e);
    }
  }
  try {
    for (const s of d.aranges(sink)) void s;
  } catch (e) {
    sink(e);
  }
  return { units, dies, rows, errors };
}

/** Positions to damage: a spread over the section, always including the first bytes (headers). */
function positions(len: number, count: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < Math.min(len, 24); i++) out.add(i);
  for (let i = 0; i < count; i++) out.add(Math.floor((i * len) / count));
  return [...out].filter((p) => p < len);
}

const stats = { dumps: 0, errors: 0 };

for (const fx of FIXTURES) {
  test(`corrupt sweep: ${fx}`, () => {
    const elf = ElfFile.parse(fixtureBytes(fx));
    const order = elf.header.order;
    const clean = sectionsOf(fx);
    const baseline = dumpAll(clean, order);
    assert.equal(baseline.errors, [], 'the intact file reads without errors');
    for (const target of TARGETS) {
      const orig = clean.get(target);
      if (!orig) continue;
      const variants: [string, Uint8Array][] = [];
      for (const p of positions(orig.length, 40)) variants.push([`truncated at 0x${p.toString(16)}`, orig.slice(0, p)]);
      for (const p of positions(orig.length, 150)) {
        for (const [how, f] of [
          ['^0xff', (b: number) => b ^ 0xff],
          ['=0x80', () => 0x80],
          ['=0x00', () => 0],
        ] as const) {
          const copy = orig.slice();
          copy[p] = f(copy[p]!);
          variants.push([`byte 0x${p.toString(16)} ${how}`, copy]);
        }
      }
      for (const [what, bytes] of variants) {
        const sections = new Map(clean);
        sections.set(target, bytes);
        const t0 = Date.now();
        let r: Dump;
        try {
          r = dumpAll(sections, order);
        } catch (e) {
          throw new Error(`${fx} ${target} ${what}: ${(e as Error).stack}`);
        }
        const ms = Date.now() - t0;
        stats.dumps++;
        stats.errors += r.errors.length;
        assert.ok(ms < 30000, `${fx} ${target} ${what}: took ${ms} ms`); // a hang guard, not a speed test
        // No more records than the bytes could hold (each DIE and row takes at least one byte).
        let total = 0;
        for (const n of r.dies.values()) total += n;
        assert.ok(total <= (sections.get('.debug_info')?.length ?? 0), `${fx} ${target} ${what}: ${total} DIEs`);
        assert.ok(r.rows <= (sections.get('.debug_line')?.length ?? 0), `${fx} ${target} ${what}: ${r.rows} rows`);
        for (const e of r.errors) {
          assert.ok(e.section.length > 0 && e.offset >= 0, `${fx} ${target} ${what}: error without a place: ${e.message}`);
          assert.match(e.message, /\(at [.\w]+\+0x[0-9a-f]+\)$/);
        }
        // Damage inside one unit's DIEs leaves every other unit whole.
        if (target === '.debug_info' && what.startsWith('byte')) {
          const p = Number.parseInt(what.split(' ')[1]!, 16);
          const d = Dwarf.load((n) => clean.get(n), { order });
          for (const u of d.units()) {
            if (p < u.firstEntry || p >= u.end) continue;
            for (const [off, n] of baseline.dies) if (off !== u.offset) assert.is(r.dies.get(off), n, `${fx} ${what}: unit 0x${off.toString(16)} lost DIEs`);
          }
        }
      }
    }
  });
}

test('random damage: several bytes at once in several sections (seeded)', () => {
  let seed = 0x2545f491;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  for (const fx of FIXTURES) {
    const order = ElfFile.parse(fixtureBytes(fx)).header.order;
    const clean = sectionsOf(fx);
    const names = [...clean.keys()];
    for (let i = 0; i < 300; i++) {
      const sections = new Map(clean);
      for (let k = 1 + rand(4); k > 0; k--) {
        const name = names[rand(names.length)]!;
        const b = sections.get(name)!.slice();
        if (b.length === 0) continue;
        for (let j = 1 + rand(8); j > 0; j--) b[rand(b.length)] = rand(256);
        sections.set(name, rand(5) === 0 ? b.subarray(0, rand(b.length)) : b);
      }
      try {
        dumpAll(sections, order);
      } catch (e) {
        throw new Error(`${fx} random case ${i}: ${(e as Error).stack}`);
      }
      stats.dumps++;
    }
  }
});

test('corrupt sweep summary', () => {
  process.stdout.write(`\ncorrupt sweep: ${stats.dumps} damaged inputs read, ${stats.errors} ParseErrors reported, no other exception\n`);
  assert.ok(stats.dumps > 1000);
});

test.run();
