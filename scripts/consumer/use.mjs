// Run by packages/cli/test/consumer.test.ts inside a temporary project that
// installed only the packed tarballs: every package imported as a stranger
// would (`node use.mjs <fixtures> <work>`), used on real binaries, and the
// answers printed as JSON for the test to check.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BytesSource, ParseError, Reader } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import { EM_X86_64, SHT_NOTE } from '@elfkit/elf/constants';
import { Dwarf, DW_AT_name, DW_TAG_subprogram } from '@elfkit/dwarf';
import { openGoSymbols, readBuildInfo } from '@elfkit/gosym';
import { readRawBuildInfo } from '@elfkit/gosym/buildinfo';
import { SizeModel, sizeRows, formatRows } from '@elfkit/size';
import { goImage, Symbolizer } from '@elfkit/symbolize';
import { nodeHost } from '@elfkit/symbolize/node';
import { CoreProcess } from '@elfkit/core';
import { describeStop } from '@elfkit/unwind';
import { ContainerImage, scanImage, tarBytes } from '@elfkit/image';
import { nodeImageHost, openImageInput } from '@elfkit/image/node';
import { main, commands } from '@elfkit/cli';

const [fixtures, work] = process.argv.slice(2);
const bytesOf = (rel) => {
  const b = readFileSync(join(fixtures, rel));
  return new Uint8Array(rel.endsWith('.gz') ? gunzipSync(b) : b);
};
const out = {};

// binary
const r = new Reader(new Uint8Array([0xe5, 0x8e, 0x26, 0x61, 0]), { order: 'little' });
out.binary = { uleb: r.uleb(), cstr: r.cstr() };
try {
  r.u32();
} catch (e) {
  out.binary.error = e instanceof ParseError ? e.code : String(e);
}

// elf + dwarf
const cBytes = bytesOf('c/gcc-dwarf5');
const elf = ElfFile.parse(cBytes);
const dwarf = Dwarf.load((n) => { const s = elf.debugSection(n); return s && elf.sectionData(s); }, { order: elf.header.order });
const functions = [];
let rows = 0;
for (const unit of dwarf.units()) {
  const c = unit.entries();
  while (c.next()) {
    const v = c.tag === DW_TAG_subprogram ? c.attr(DW_AT_name) : undefined;
    if (v) functions.push(unit.attrString(v));
  }
  for (const _ of unit.lineProgram()?.rows() ?? []) rows++;
}
out.elf = {
  x86_64: elf.header.machine === EM_X86_64,
  sections: elf.sections.length,
  notes: elf.sections.filter((s) => s.type === SHT_NOTE).length,
  buildId: elf.buildId(),
  main: elf.symbol('main') !== undefined,
};
out.dwarf = { main: functions.includes('main'), functions: functions.length, rows };

// gosym (through symbolize's ELF adapter)
const goBytes = bytesOf('go/go1.27-amd64.gz');
const goElf = ElfFile.parse(goBytes);
const image = goImage(goElf);
const go = openGoSymbols(image);
const mainMain = goElf.symbol('main.main');
out.gosym = {
  lookup: mainMain ? go?.table.lookup(mainMain.value)?.func.name : undefined,
  goVersion: readBuildInfo(image)?.goVersion,
  raw: readRawBuildInfo(image) !== undefined,
};

// size
const model = new SizeModel(goElf);
const tree = model.tree(['go-packages']);
out.size = { fileSize: tree.fileSize === goBytes.length, text: formatRows(sizeRows(tree, { maxRows: 3 })).split('\n').length > 3 };

// core + unwind
const exe = bytesOf('core/i386-qemu-crash.gz');
const p = CoreProcess.open(bytesOf('core/i386-qemu.core.gz'), { host: { open: (path) => (path === '/exe' ? new BytesSource(exe) : undefined) }, exe: '/exe' });
const bt = p.backtrace(p.threads[0]);
const exeElf = ElfFile.parse(exe);
const symbolAt = (pc) => exeElf.symbols().find((s) => s.size > 0n && pc >= s.value && pc < s.value + s.size)?.name;
out.core = { threads: p.threads.length, frames: bt.frames.slice(0, 3).map((f) => symbolAt(f.lookupPc)), stop: describeStop(bt.stop).length > 0 };

// image: an OCI layout written by hand, one layer holding the C binary
const layout = join(work, 'oci');
mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
const blob = (data) => {
  const d = createHash('sha256').update(data).digest('hex');
  writeFileSync(join(layout, 'blobs', 'sha256', d), data);
  return { digest: `sha256:${d}`, size: data.length };
};
const layer = tarBytes([{ path: 'usr/bin/hello', data: cBytes, mode: 0o755 }]);
const layerDesc = blob(layer);
const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDesc.digest] } })));
const manifest = blob(Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layerDesc }],
})));
writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }] }));
const img = await ContainerImage.open(await openImageInput(layout), { host: nodeImageHost() });
await scanImage(img);
const files = [...img.elfFiles()];
out.image = { files: files.map((f) => f.path), buildId: files[0]?.facts?.buildId, same: (await img.readFile('/usr/bin/hello'))?.length === cBytes.length };

// symbolize: DWARF frames through the Node host, and the WebAssembly demangler from the installed packages
const symbolizer = new Symbolizer(nodeHost());
const cModule = await symbolizer.module(join(fixtures, 'c/gcc-dwarf5'));
const answer = await symbolizer.code(cModule, elf.symbol('main').value);
out.symbolize = {
  function: answer.found ? answer.frames.at(-1).function : answer.reason,
  source: answer.found ? answer.source : undefined,
  demangled: await symbolizer.demangle('_ZN3geo10accumulateIlZ4mainEUlllE_EET_RKSt6vectorIS2_SaIS2_EET0_S2_'),
};
symbolizer.close();

// cli as a library
out.cli = { commands: commands.length >= 20, status: await main(['sections', join(fixtures, 'c/gcc-dwarf5')]) };

writeFileSync(join(work, 'use.json'), JSON.stringify(out));
