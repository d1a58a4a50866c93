// elfkit size against the reference tools: section sizes against
// `readelf -S -W`, segment sizes against `readelf -l -W`, symbol ranges
// against `readelf -s -W`, compile units against `readelf
// --debug-dump=aranges`; Go functions and packages against the pclntab read
// through @elfkit/gosym's own API; and the diff of a file against itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants as C, ElfFile } from '@elfkit/elf';
import { openGoSymbols } from '@elfkit/gosym';
import { fixtureBytes, fixturePath, fixtures, run, skip, which } from '@elfkit/fixtures';
import { goImage } from '@elfkit/symbolize';
import { SizeModel, diffTrees, type SizeNode } from '../dist/index.js';

const readelf = which('readelf');
const files = fixtures().filter((f) => f.kind !== 'dwo' && f.name !== 'many-sections/many.o');
const counts = { sections: 0, segments: 0, symbols: 0, arangeRanges: 0, goFunctions: 0, goPackages: 0, selfDiffs: 0 };

const child = (n: SizeNode, label: string) => n.children?.find((c) => c.label === label);

/** `readelf -S -W` rows: name, type, flags, size. */
function readelfSections(path: string): { name: string; type: string; flags: string; size: number }[] {
  const out: { name: string; type: string; flags: string; size: number }[] = [];
  for (const line of run(readelf!, ['-S', '-W', path]).stdout.split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+\d+\s+\d+\s*$/.exec(line);
    if (m && m[1] !== '0') out.push({ name: m[2]!, type: m[3]!, flags: m[5]!, size: parseInt(m[4]!, 16) });
  }
  return out;
}

test('-d sections: each section has its readelf -S size in the file (not NOBITS) and in memory (ALLOC, not .tbss)', () => {
  if (!readelf) return skip('section sizes', 'readelf is not installed');
  for (const f of files) {
    const path = fixturePath(f);
    const tree = new SizeModel(ElfFile.parse(fixtureBytes(f))).tree(['sections']);
    const want = new Map<string, { file: number; vm: number }>();
    for (const s of readelfSections(path)) {
      const w = want.get(s.name) ?? { file: 0, vm: 0 };
      if (s.type !== 'NOBITS') w.file += s.size;
      if (s.flags.includes('A') && !(s.flags.includes('T') && s.type === 'NOBITS')) w.vm += s.size;
      want.set(s.name, w);
    }
    for (const [name, w] of want) {
      const got = child(tree, name);
      assert.is(got?.fileSize ?? 0, w.file, `${f.name} ${name} file size`);
      assert.is(got?.vmSize ?? 0, w.vm, `${f.name} ${name} VM size`);
      counts.sections++;
    }
  }
});

test('-d segments: each PT_LOAD has its readelf -l memory size, and its file size unless an earlier one shares its bytes', () => {
  if (!readelf) return skip('segment sizes', 'readelf is not installed');
  for (const f of files.filter((x) => x.kind !== 'rel')) {
    const tree = new SizeModel(ElfFile.parse(fixtureBytes(f))).tree(['segments']);
    const text = run(readelf!, ['-l', '-W', fixturePath(f)]).stdout;
    const block = text.slice(text.indexOf('Program Headers:'), text.indexOf('Section to Segment mapping'));
    const heads = block.split('\n').filter((l) => /^\s+\S+\s+0x[0-9a-f]+\s+0x/.test(l));
    const seen: [number, number][] = [];
    heads.forEach((line, i) => {
      const m = /^\s+LOAD\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(R?)\s?(W?)\s?(E?)\s+0x/.exec(line);
      if (!m) return;
      const [off, filesz, memsz] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
      const label = `LOAD #${i} [${m[4]}${m[5]}${m[6] ? 'X' : ''}]`;
      const got = child(tree, label);
      assert.is(got?.vmSize ?? 0, memsz, `${f.name} ${label} memory size`);
      if (!seen.some(([s, e]) => off < e && off + filesz > s)) assert.is(got?.fileSize ?? 0, filesz, `${f.name} ${label} file size`);
      seen.push([off, off + filesz]);
      counts.segments++;
    });
    if (f.kind !== 'dwp') assert.ok(seen.length > 0, `${f.name} has PT_LOAD segments`);
  }
});

test('-d symbols: a sized symbol owns its whole range unless an earlier symbol in the table overlaps it', () => {
  if (!readelf) return skip('symbol sizes', 'readelf is not installed');
  for (const f of files.filter((x) => x.kind !== 'rel' && x.kind !== 'dwp')) {
    const elf = ElfFile.parse(fixtureBytes(f));
    const model = new SizeModel(elf);
    const maps = model.maps('symbols');
    const text = run(readelf!, ['-s', '-W', fixturePath(f)]).stdout;
    // Only .symtab (the table the source reads), or .dynsym when there is none.
    const tables = text.split(/\nSymbol table '/);
    const table = tables.find((t) => t.startsWith(".symtab'")) ?? tables.find((t) => t.startsWith(".dynsym'"));
    if (!table) continue;
    const taken: [number, number][] = [];
    const tls = elf.segments.find((p) => p.type === C.PT_TLS);
    for (const line of table.split('\n')) {
      const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s+(.+)$/.exec(line);
      if (!m || m[3] === 'SECTION' || m[3] === 'FILE' || m[4] === 'UND' || m[4] === 'ABS' || m[4] === 'COM') continue;
      const size = Number(m[2]);
      if (size === 0) continue;
      let start = parseInt(m[1]!, 16);
      if (m[3] === 'TLS') {
        if (!tls || start + size > tls.filesz) continue;
        start += Number(tls.vaddr);
      }
      const end = start + size;
      // Go's funcdata container (go:func.*) is deliberately split among the functions whose blobs it holds.
      if (m[5] === 'go:func.*' || m[5] === 'go.func.*') continue;
      const overlapped = taken.some(([s, e]) => start < e && end > s);
      taken.push([start, end]);
      if (overlapped) continue;
      // .symtab names of versioned symbols may carry the version (`name@VER`) or not.
      const id = maps.labels.includes(m[5]!) ? maps.labels.indexOf(m[5]!) : maps.labels.indexOf(m[5]!.replace(/@.*$/, ''));
      let owned = 0;
      const vm = maps.vm;
      for (let i = vm.firstEndingAfter(start); i < vm.length && vm.starts[i]! < end; i++) {
        if (vm.labels[i] === id) owned += Math.min(end, vm.ends[i]!) - Math.max(start, vm.starts[i]!);
      }
      assert.is(owned, size, `${f.name} ${m[5]} at 0x${start.toString(16)} owns its ${size} bytes`);
      counts.symbols++;
    }
  }
});

test('-d compileunits: every .debug_aranges range belongs to its unit (readelf --debug-dump=aranges,info)', () => {
  if (!readelf) return skip('compile unit ranges', 'readelf is not installed');
  for (const f of files.filter((x) => (x.lang === 'c' || x.lang === 'cpp') && x.kind !== 'rel' && x.dwarf && !x.kind.startsWith('dw'))) {
    const path = fixturePath(f);
    const info = run(readelf!, ['--debug-dump=info', path]).stdout;
    // Unit offset → DW_AT_name of its root DIE.
    const names = new Map<number, string>();
    for (const block of info.split(/\n\s*Compilation Unit @ offset /).slice(1)) {
      const off = Number(/^(0x[0-9a-f]+|\d+)/.exec(block)?.[1]);
      const name = /DW_AT_name\s+:\s+(?:\(indirect(?: line)? string, offset: (?:0x[0-9a-f]+|\d+)\): )?(.+)/.exec(block);
      if (name) names.set(off, name[1]!.trim());
    }
    const aranges = run(readelf!, ['--debug-dump=aranges', path]).stdout;
    const model = new SizeModel(ElfFile.parse(fixtureBytes(f)));
    let n = 0;
    for (const set of aranges.split(/\n\s*Length:/).slice(1)) {
      const off = /Offset into \.debug_info:\s+(0x[0-9a-f]+|\d+)/.exec(set);
      const unit = off ? names.get(Number(off[1])) : undefined;
      if (!unit) continue;
      for (const m of set.matchAll(/^\s+([0-9a-f]{8,16})\s+([0-9a-f]{8,16})\s*$/gm)) {
        const [addr, len] = [BigInt('0x' + m[1]), BigInt('0x' + m[2])];
        if (addr === 0n || len === 0n) continue;
        for (const a of [addr, addr + len - 1n]) assert.is(model.labelAt('compileunits', a), unit, `${f.name} 0x${a.toString(16)} in ${unit}`);
        n++;
      }
    }
    if (n === 0) skip(`${f.name} aranges`, 'no .debug_aranges');
    counts.arangeRanges += n;
  }
});

test('Go: each function has its pclntab extent as text, and each package the sum over its functions', () => {
  for (const f of files.filter((x) => x.lang === 'go')) {
    const elf = ElfFile.parse(fixtureBytes(f));
    const go = openGoSymbols(goImage(elf))!;
    const t = go.table;
    const byName = new Map<string, number>();
    const byPackage = new Map<string, number>();
    for (let i = 0; i < t.funcCount; i++) {
      const fn = t.func(i);
      const extent = fn.endPc - fn.entryPc;
      byName.set(fn.name, (byName.get(fn.name) ?? 0) + extent);
      // debug/gosym's Sym.PackageName: up to the first dot after the last slash (instantiations removed).
      const plain = fn.name.replace(/\[.*\]/, '');
      const dot = plain.indexOf('.', Math.max(0, plain.lastIndexOf('/')));
      const pkg = /^(go|type)[.:]/.test(plain) || dot <= 0 ? '[Go runtime data]' : plain.slice(0, dot);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + extent);
    }
    const model = new SizeModel(elf, { go });
    const functions = model.tree(['go-functions', 'go-parts']);
    for (const [name, extent] of byName) {
      assert.is(child(child(functions, name) ?? { label: '', vmSize: 0, fileSize: 0 }, 'text')?.vmSize ?? child(functions, name)?.vmSize, extent, `${f.name} ${name} text`);
      counts.goFunctions++;
    }
    const packages = model.tree(['go-packages', 'go-parts']);
    for (const [pkg, extent] of byPackage) {
      assert.is(child(child(packages, pkg)!, 'text')!.vmSize, extent, `${f.name} package ${pkg} text`);
      counts.goPackages++;
    }
    // The pclntab is split among functions: what is left is the header and the file and CU tables.
    const parts = model.tree(['go-parts']);
    const pcln = go.location.data.length;
    const perFunction = ['header', 'funcname', 'pcsp', 'pcfile', 'pcln', 'pcdata'].reduce((s, k) => s + (child(parts, k)?.vmSize ?? 0), 0);
    assert.ok(perFunction > pcln * 0.6, `${f.name}: most of the pclntab (${perFunction} of ${pcln}) is charged to functions`);
  }
});

test('the diff of a file against itself is empty, for every source', () => {
  for (const name of ['c/gcc-O2', 'cpp/gxx-dwarf5', 'go/go1.27-amd64-cgo', 'go/go1.19-amd64-sw', 'obj/arm.o']) {
    const model = new SizeModel(ElfFile.parse(fixtureBytes(name)));
    for (const s of model.availableSources()) {
      const tree = model.tree([s, 'sections']);
      const again = new SizeModel(ElfFile.parse(fixtureBytes(name))).tree([s, 'sections']);
      const d = diffTrees(tree, again);
      assert.is(d.children, undefined, `${name} -d ${s},sections`);
      assert.is(d.vmSize, 0);
      assert.is(d.fileSize, 0);
      counts.selfDiffs++;
    }
  }
});

test('summary', () => {
  console.log(`size oracle: ${JSON.stringify(counts)}`);
});

test.run();
