// The browser entry of packages/cli/test/consumer.test.ts: esbuild bundles it
// for the browser platform from the installed tarballs (any Node built-in
// fails the build), and the test runs the bundle in a bare JavaScript realm
// (no require, process or Buffer) on real binaries.
import { ElfFile } from '@elfkit/elf';
import { Dwarf, DW_TAG_compile_unit } from '@elfkit/dwarf';
import { openGoSymbols } from '@elfkit/gosym';
import { SizeModel } from '@elfkit/size';
import { goImage } from '@elfkit/symbolize';
import { CoreProcess } from '@elfkit/core';
import { ModuleList } from '@elfkit/unwind';
import { TarReader, tarBytes } from '@elfkit/image';

/** Answers for a C binary, a Go binary and a core, as plain data. */
export async function facts(c, go, core) {
  const elf = ElfFile.parse(c);
  const dwarf = Dwarf.load((n) => { const s = elf.debugSection(n); return s && elf.sectionData(s); }, { order: elf.header.order });
  let units = 0;
  for (const u of dwarf.units()) {
    const cur = u.entries();
    if (cur.next() && cur.tag === DW_TAG_compile_unit) units++;
  }
  const goElf = ElfFile.parse(go);
  const main = goElf.symbol('main.main');
  const table = openGoSymbols(goImage(goElf))?.table;
  const tree = new SizeModel(goElf).tree(['sections']);
  const process = CoreProcess.open(core);
  const tar = tarBytes([{ path: 'bin/c', data: c }]);
  const entries = [];
  for await (const e of new TarReader((async function* () { yield tar; })(), 'layer')) entries.push(e.path);
  return {
    buildId: elf.buildId(),
    units,
    goFunc: main && table?.lookup(main.value)?.func.name,
    sizeTotal: tree.fileSize === go.length,
    threads: process.threads.length,
    modules: new ModuleList([]).moduleAt(0n) === undefined,
    tar: entries,
  };
}
