// The symbolizer's on-disk index cache (packages/symbolize/src/index-cache.ts)
// read back: a cache file is outside input too — a disk fills, a copy is
// cut short, another version of elfkit wrote it, someone edits it. The
// CRC-32 catches almost every accident, so to reach what lies behind it
// (the manifest, the column places, the tree links and line rows a lookup
// follows) each input's checksum is made right before it is read.
import { BytesSource } from '@elfkit/binary';
import { crc32 } from '@elfkit/dwarf';
import { ElfFile } from '@elfkit/elf';
import { Symbolizer, type IndexCacheStore, type SymbolizeHost } from '@elfkit/symbolize';
import { nodeHost } from '@elfkit/symbolize/node';
import { FieldList } from '../fields.js';
import { fixtureFile } from '../sources.js';
import { defineTarget, type Probe, type Seed } from '../target.js';
import { addressesOf, askAll, type SymbolizeContext } from './symbolize.js';

/** What a cache-file seed needs besides its bytes: the binary it indexes and the addresses to ask. */
interface IndexCacheContext extends SymbolizeContext {
  readonly binary: Uint8Array;
}

/** The file header: magic, format, CRC-32, manifest length (see index-cache.ts). */
const HEADER = 24;

/** A store holding one file (whatever name is asked) and stamping every path alike, so the key the seed was made under matches. */
function oneFileStore(file: () => Uint8Array | undefined, saved?: (bytes: Uint8Array) => void): IndexCacheStore {
  return {
    get: () => file(),
    put: (_, bytes) => saved?.(bytes),
    stamp: () => ({ size: 1, mtimeMs: 0 }),
  };
}

/** A host serving `binary` as `/bin` and nothing else, with `store` as its index cache. */
function cacheHost(binary: Uint8Array, store: IndexCacheStore): SymbolizeHost {
  const node = nodeHost();
  return { ...node, open: (path) => (path === '/bin' ? new BytesSource(binary) : undefined), candidates: () => [], close: undefined, indexCache: store };
}

/** The cache file a full decode of `binary` writes. */
async function indexOf(name: string, binary: Uint8Array): Promise<Uint8Array> {
  let file: Uint8Array | undefined;
  const s = new Symbolizer(cacheHost(binary, oneFileStore(() => undefined, (b) => (file = b))));
  const m = await s.module('/bin');
  await m.saveIndex();
  s.close();
  if (!file) throw new Error(`${name}: no index cache file made (no build id or no DWARF?)`);
  return file;
}

/** The header fields, and where each column starts (its first element), from the intact file's manifest. */
function cacheFields(file: Uint8Array): FieldList {
  const f = new FieldList(file.length);
  f.record(0, [4, 4, 4, 4, 4, 4]);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const json = dv.getUint32(16, true);
  // (kind, offset and length of each column, three numbers a column)
  const manifest = JSON.parse(new TextDecoder().decode(file.subarray(HEADER, HEADER + json))) as { columns: number[] };
  const base = (HEADER + json + 7) & ~7;
  const widths = [1, 2, 4, 4, 8];
  for (let c = 0; c + 2 < manifest.columns.length; c += 3) {
    const [kind, offset, length] = [manifest.columns[c]!, manifest.columns[c + 1]!, manifest.columns[c + 2]!];
    const w = widths[kind] ?? 4;
    // The first elements and the last: tree links and sequence bounds are read from both ends.
    f.uints(base + offset, w, Math.min(length, 4));
    if (length > 4) f.uint(base + offset + (length - 1) * w, w);
  }
  return f;
}

async function cacheSeed(name: string): Promise<Seed<IndexCacheContext>> {
  const binary = fixtureFile(name);
  const file = await indexOf(name, binary);
  const json = new DataView(file.buffer, file.byteOffset).getUint32(16, true);
  return {
    name: `${name} index cache`,
    bytes: file,
    order: 'little',
    fields: cacheFields(file).fields,
    // Half the mutations in the manifest (its numbers place every column), the rest anywhere.
    regions: [
      [HEADER, HEADER + json],
      [0, file.length],
    ],
    context: { ...addressesOf(ElfFile.parse(binary)), binary },
  };
}

/** Symbolizes the seed's addresses from the cache file `input` (its checksum made right first). */
function answerFromCache(input: Uint8Array, ctx: IndexCacheContext, p: Probe): Promise<number> {
  const file = input.slice();
  if (file.length >= HEADER) new DataView(file.buffer).setUint32(12, crc32(file.subarray(16)) >>> 0, true);
  return askAll(new Symbolizer(cacheHost(ctx.binary, oneFileStore(() => file)), { onError: (e) => p.check(e) }), ctx, p);
}

export const indexCacheTarget = defineTarget<IndexCacheContext>({
  name: 'symbolize-index-cache',
  describe: "the symbolizer's on-disk index cache read back (checksum made right): header, manifest, column places and kinds, unit ranges, aranges, function trees, line rows, strings, the symbol index",
  resizable: true,
  seeds: () => Promise.all(['c/gcc-O2', 'c/clang-O2', 'c/gcc-m32', 'c/gcc-dwarf64', 'cpp/gxx-dwarf5'].map(cacheSeed)),
  run: (input, seed, p) => answerFromCache(input, seed.context, p),
});
