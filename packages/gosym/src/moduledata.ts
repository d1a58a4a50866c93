import type { PclnHeader } from './header.js';
import type { GoImage } from './image.js';
import type { TextSection } from './table.js';

/**
 * The fields of `runtime.firstmoduledata` that locate code: the linker's
 * record of where text, the pclntab and `go:func.*` are, relocated like any
 * other data (so it is right in PIE and cgo binaries where headers and
 * section addresses are not).
 */
export interface ModuleData {
  /** Where the moduledata is. */
  readonly address: bigint;
  /** How it was found: `symbol`, `section` (`.go.module`) or `scan`. */
  readonly source: 'symbol' | 'section' | 'scan';
  /** `runtime.text`. */
  readonly text: bigint;
  readonly etext: bigint;
  /** Lowest and highest function PC (`ftab[0].entry`, `ftab[n].entry`). */
  readonly minpc: bigint;
  readonly maxpc: bigint;
  /**
   * Word indexes after `etext` that may hold `gofunc` (1.18+), checked by
   * the caller against the inline trees.
   */
  readonly words: readonly bigint[];
}

/** Word index of `text` in moduledata: 12 for the 1.2 layout, 22 from 1.16. */
function textWord(h: PclnHeader): number {
  return h.format === '1.2' ? 12 : 22;
}

/** How many words to read: enough for every known position of `gofunc` and `textsectmap`. */
const WORDS = 52;

function readWords(image: GoImage, at: bigint, n: number): bigint[] | undefined {
  const p = image.pointerSize;
  const b = image.read(at, n * p);
  if (!b || b.length < n * p) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = image.order === 'little';
  const out: bigint[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = p === 8 ? v.getBigUint64(i * 8, le) : BigInt(v.getUint32(i * 4, le));
  return out;
}

/**
 * Reads and checks the moduledata at `at` against the pclntab at
 * `pclntab`: its slices must point at the pclntab's own sub-tables.
 */
export function readModuleData(image: GoImage, at: bigint, pclntab: bigint, h: PclnHeader, source: ModuleData['source']): ModuleData | undefined {
  const w = readWords(image, at, WORDS) ?? readWords(image, at, textWord(h) + 2);
  if (!w) return undefined;
  const p = BigInt(image.pointerSize);
  if (h.format === '1.2') {
    // pclntable []byte, ftab []functab, filetab []uint32, findfunctab, minpc, maxpc, text, etext
    if (w[0] !== pclntab || w[3] !== pclntab + 8n + p) return undefined;
  } else {
    // pcHeader, funcnametab, cutab, filetab, pctab, pclntable, ftab slices, …
    if (w[0] !== pclntab || w[1] !== pclntab + BigInt(h.funcnametab[0]) || w[13] !== pclntab + BigInt(h.functab)) return undefined;
  }
  const t = textWord(h);
  const text = w[t]!;
  const etext = w[t + 1]!;
  if (etext < text) return undefined;
  return { address: at, source, text, etext, minpc: w[t - 2]!, maxpc: w[t - 1]!, words: w };
}

/**
 * Finds the moduledata of the binary whose pclntab is at `pclntab`: the
 * `runtime.firstmoduledata` symbol, the `.go.module` section (Go 1.26+),
 * else a scan of writable data for a pointer to the pclntab (its first
 * field), each candidate checked field by field.
 */
export function findModuleData(image: GoImage, pclntab: bigint, h: PclnHeader): ModuleData | undefined {
  const sym = image.symbol('runtime.firstmoduledata');
  if (sym) {
    const md = readModuleData(image, sym.address, pclntab, h, 'symbol');
    if (md) return md;
  }
  const sec = image.section('.go.module');
  if (sec) {
    const md = readModuleData(image, sec.address, pclntab, h, 'section');
    if (md) return md;
  }
  const p = image.pointerSize;
  const le = image.order === 'little';
  const lo = Number(pclntab & 0xffffffffn);
  const hi = Number(pclntab >> 32n);
  const segs = [...image.segments.filter((s) => s.kind === 'load' && s.writable), ...image.segments.filter((s) => s.kind === 'load' && !s.writable)];
  for (const s of segs) {
    const d = s.data();
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    for (let i = 0; i + p <= d.length; i += p) {
      if (p === 4) {
        if (v.getUint32(i, le) !== lo) continue;
      } else if (v.getUint32(i + (le ? 0 : 4), le) !== lo || v.getUint32(i + (le ? 4 : 0), le) !== hi) continue;
      const md = readModuleData(image, s.address + BigInt(i), pclntab, h, 'scan');
      if (md) return md;
    }
  }
  return undefined;
}

/** Word indexes of `gofunc` by layout: 1.18–1.19, 1.20–1.26, 1.27. */
export const GOFUNC_WORDS = [38, 40, 43];

/**
 * Candidate `gofunc` values in a moduledata, most likely first: the known
 * positions, then every other word after `etext` that lies inside the image.
 */
export function gofuncCandidates(md: ModuleData, image: GoImage): { word: number; value: bigint }[] {
  const seen = new Set<number>();
  const out: { word: number; value: bigint }[] = [];
  const add = (i: number) => {
    const v = md.words[i];
    if (v === undefined || seen.has(i) || v === 0n) return;
    seen.add(i);
    if (image.read(v, 1)) out.push({ word: i, value: v });
  };
  for (const i of GOFUNC_WORDS) add(i);
  for (let i = 24; i < md.words.length; i++) add(i);
  return out;
}

/**
 * `textsectmap` after `gofunc` (right after it until 1.25, after `epclntab`
 * from 1.26): a slice of {vaddr, end, baseaddr}, returned only when there
 * is more than one text section and the entries are consistent.
 */
export function textSections(md: ModuleData, gofuncWord: number, image: GoImage): TextSection[] | undefined {
  const p = image.pointerSize;
  for (const at of [gofuncWord + 1, gofuncWord + 2]) {
    const ptr = md.words[at];
    const len = md.words[at + 1];
    const cap = md.words[at + 2];
    if (ptr === undefined || len === undefined || cap === undefined || len !== cap || len < 1n || len > 256n) continue;
    const n = Number(len);
    const b = image.read(ptr, n * 3 * p);
    if (!b) continue;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const le = image.order === 'little';
    const word = (i: number) => (p === 8 ? v.getBigUint64(i * 8, le) : BigInt(v.getUint32(i * 4, le)));
    const out: TextSection[] = [];
    let ok = true;
    for (let i = 0; i < n; i++) {
      const s = { vaddr: word(3 * i), end: word(3 * i + 1), baseaddr: word(3 * i + 2) };
      if (s.end < s.vaddr || (i === 0 && s.vaddr !== 0n) || (i > 0 && s.vaddr < out[i - 1]!.end)) ok = false;
      out.push(s);
    }
    if (ok) return n > 1 ? out : undefined;
  }
  return undefined;
}
