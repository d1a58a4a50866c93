// The symbolizer over a damaged binary: DWARF (units, abbreviations, line
// programs, range lists), the Go pclntab and the symbol table as one
// Symbolizer reads them to answer addresses, and MiniDebugInfo
// (.gnu_debugdata, xz) on a stripped binary.
import { BytesSource } from '@elfkit/binary';
import { Dwarf } from '@elfkit/dwarf';
import { ElfFile, constants as C } from '@elfkit/elf';
import { Symbolizer, type SymbolizeHost } from '@elfkit/symbolize';
import { nodeHost } from '@elfkit/symbolize/node';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FieldList, type Field } from '../fields.js';
import { fixtureFile, fixtureSections } from '../sources.js';
import { defineTarget, type Probe, type Seed } from '../target.js';
import { dwarfSectionFields } from './dwarf.js';

/** Addresses asked per input: enough to reach every unit of a small fixture. */
const ADDRESSES = 40;

/** What a symbolizer seed needs besides its bytes: the addresses to ask. */
export interface SymbolizeContext {
  readonly code: readonly bigint[];
  readonly data: readonly bigint[];
}

/** The file's function starts and middles, and its objects, from the intact file (spread evenly, at most `ADDRESSES`). */
export function addressesOf(elf: ElfFile): SymbolizeContext {
  const funcs = elf.symbols().filter((s) => s.type === C.STT_FUNC && s.value !== 0n);
  const code: bigint[] = [];
  const step = Math.max(1, Math.floor(funcs.length / (ADDRESSES >> 1)));
  for (let i = 0; i < funcs.length && code.length < ADDRESSES; i += step) code.push(funcs[i]!.value, funcs[i]!.value + funcs[i]!.size / 2n);
  if (code.length === 0) {
    // A stripped binary (Go -s -w): addresses through .text.
    const text = elf.section('.text');
    if (text) for (let k = 0n; k < BigInt(ADDRESSES); k++) code.push(text.addr + (BigInt(text.size) * k) / BigInt(ADDRESSES));
  }
  const data = elf
    .symbols()
    .filter((s) => s.type === C.STT_OBJECT && s.value !== 0n)
    .slice(0, 6)
    .map((s) => s.value);
  return { code, data: [...data, 0x10n] };
}

/** A host serving the input as `/bin` and nothing else (no debug-file search reaches the disk), with the Node decoders. */
function inputHost(input: Uint8Array): SymbolizeHost {
  const node = nodeHost();
  return { ...node, open: (path) => (path === '/bin' ? new BytesSource(input) : undefined), candidates: () => [], close: undefined };
}

/** Symbolizes the seed's addresses in `input` as `elfkit symbolize` would, code and data. */
function symbolizeAll(input: Uint8Array, ctx: SymbolizeContext, p: Probe): Promise<number> {
  return askAll(new Symbolizer(inputHost(input), { onError: (e) => p.check(e) }), ctx, p);
}

/** Asks `s` for the code and data at the context's addresses in module `/bin`, checking every error; closes `s`. */
export async function askAll(s: Symbolizer, ctx: SymbolizeContext, p: Probe): Promise<number> {
  const m = await s.module('/bin');
  let frames = 0;
  for (const a of ctx.code) {
    const r = await s.code(m, a);
    if (r.found) {
      for (const f of r.frames) frames += f.line + (f.function?.length ?? 0) + (f.file?.length ?? 0);
    } else if (r.error) p.check(r.error);
  }
  for (const a of ctx.data) {
    const r = await s.data(m, a);
    if (!r.found && r.error) p.check(r.error);
  }
  s.close();
  return frames;
}

/** The fields of every DWARF section `elf` stores uncompressed, at their file offsets (the structures the section targets use). */
function dwarfFields(name: string, elf: ElfFile, into: Field[]): void {
  const { sections, order } = fixtureSections(name, (n) => n.startsWith('.debug_'));
  const dwarf = Dwarf.load((n) => sections.get(n), { order });
  for (const s of elf.sections) {
    const structure = dwarfSectionFields(s.name);
    if (!structure || (s.flags & C.SHF_COMPRESSED) !== 0) continue;
    const f = new FieldList(s.size);
    try {
      structure(elf.sectionData(s), s.name, f, dwarf);
    } catch {
      continue; // a structure the intact file does not have (no units to walk)
    }
    for (const x of f.fields) into.push({ ...x, offset: x.offset + s.offset });
  }
}

/** The debug information a symbolizer reads; mutations stay in these sections and the symbol table. */
const READ = /^\.(debug_(info|abbrev|line|line_str|str|str_offsets|addr|rnglists|ranges|aranges)|gopclntab|symtab|strtab|gnu_debugdata)$/;

function symbolizerSeed(name: string, bytes: Uint8Array): Seed<SymbolizeContext> {
  const elf = ElfFile.parse(bytes);
  const fields: Field[] = [];
  dwarfFields(name, elf, fields);
  const regions: [number, number][] = elf.sections.filter((s) => READ.test(s.name) && s.type !== C.SHT_NOBITS && s.size > 0).map((s) => [s.offset, s.offset + s.size]);
  return { name, bytes, order: elf.header.order, fields, regions, context: addressesOf(elf) };
}

export const symbolizeTarget = defineTarget<SymbolizeContext>({
  name: 'symbolize',
  describe: 'the symbolizer over damaged debug information: DWARF units, abbreviations, line programs, range lists and aranges (C, C++, Go), the Go pclntab, the symbol table; code and data lookups',
  resizable: false,
  seeds: () => ['c/clang-O2', 'c/gcc-O2', 'c/gcc-dwarf4', 'cpp/gxx-dwarf5', 'go/go1.22-amd64', 'go/go1.27-amd64-sw'].map((n) => symbolizerSeed(n, fixtureFile(n))),
  run: (input, seed, p) => symbolizeAll(input, seed.context, p),
});

/** The committed seed: c/gcc-O2 stripped, its local function symbols xz-compressed into .gnu_debugdata (Fedora's recipe; see seeds/README.md). */
const MINI = 'gcc-O2-minidebuginfo';

export const miniDebugInfoTarget = defineTarget<SymbolizeContext>({
  name: 'symbolize-minidebuginfo',
  describe: 'MiniDebugInfo: a stripped binary whose .gnu_debugdata (xz stream header, blocks, index, footer) holds the symbols the symbolizer answers with',
  resizable: false,
  seeds: () => {
    const bytes = new Uint8Array(gunzipSync(readFileSync(new URL(`../../seeds/${MINI}.gz`, import.meta.url))));
    const elf = ElfFile.parse(bytes);
    const s = elf.section('.gnu_debugdata')!;
    const fields = new FieldList(bytes.length);
    // Stream header (magic, flags, CRC32), the first block header, and the stream footer (CRC32, backward size, flags, magic).
    fields.record(s.offset, [2, 2, 2, 2, 4]).record(s.offset + 12, [1, 1, 1, 1, 4, 4]);
    fields.record(s.offset + s.size - 12, [4, 4, 2, 2]);
    const original = ElfFile.parse(fixtureFile('c/gcc-O2'));
    return [{ name: `seeds/${MINI}`, bytes, order: elf.header.order, fields: fields.fields, regions: [[s.offset, s.offset + s.size]], context: addressesOf(original) }];
  },
  run: (input, seed, p) => symbolizeAll(input, seed.context, p),
});

/** The symbolizer's targets. */
export const symbolizeTargets = [symbolizeTarget, miniDebugInfoTarget];
