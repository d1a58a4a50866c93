import { isParseError } from '@elfkit/binary';
import type { ElfFile, SymbolTable } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import type { GoImage, ImageSection, ImageSegment, ImageSymbol } from '@elfkit/gosym';
import { imageSegment } from './image-segment.js';

/**
 * Adapts an ELF file to the Go readers' GoImage: allocated sections with
 * file data, PT_LOAD and PT_NOTE segments, the static symbol table (looked
 * up by name bytes) and reads at virtual addresses. One adapter serves
 * every package and the CLI. Symbols may come from a separate debug file
 * (`symbolsFrom`) when the binary has none.
 */
export function goImage(elf: ElfFile, symbolsFrom: ElfFile = elf): GoImage {
  const sectionCache = new Map<string, ImageSection | null>();
  const found = new Map<string, ImageSymbol | null>();
  const segments: ImageSegment[] = [];
  const loaded = new Map<ImageSegment, Uint8Array>();
  for (const p of elf.segments) {
    if (p.type !== C.PT_LOAD && p.type !== C.PT_NOTE) continue;
    const seg: ImageSegment = imageSegment(p, () => {
      let d = loaded.get(seg);
      if (!d) loaded.set(seg, (d = elf.segmentData(p)));
      return d;
    });
    segments.push(seg);
  }
  return {
    order: elf.header.order,
    pointerSize: elf.bits === 64 ? 8 : 4,
    hasSections: elf.sections.length > 0,
    segments,
    section(name) {
      let s = sectionCache.get(name);
      if (s === undefined) {
        const sec = elf.section(name);
        if (!sec || sec.type === C.SHT_NOBITS) s = null;
        else {
          let data: Uint8Array | undefined;
          s = { name, address: sec.addr, size: sec.size, data: () => (data ??= elf.sectionData(sec)) };
        }
        sectionCache.set(name, s);
      }
      return s ?? undefined;
    },
    symbol(name) {
      let hit = found.get(name);
      if (hit === undefined) {
        hit = findSymbol(symbolsFrom, name) ?? (symbolsFrom !== elf ? findSymbol(elf, name) : undefined) ?? null;
        found.set(name, hit);
      }
      return hit ?? undefined;
    },
    read(address, size) {
      // A segment already read serves small reads (inline tree records,
      // string headers) without a system call; others read just the range.
      for (const [seg, d] of loaded) {
        if (seg.kind !== 'load' || address < seg.address || address + BigInt(size) > seg.address + BigInt(seg.fileSize)) continue;
        const rel = Number(address - seg.address);
        return d.subarray(rel, rel + size);
      }
      return elf.readVirtual(address, size);
    },
  };
}

/**
 * Go's text, `[runtime.text, runtime.etext)` from the symbol table: the
 * pclntab's functions all lie there (an externally linked binary's C code
 * lies outside). Undefined when the symbol table does not say.
 */
export function goTextRange(elf: ElfFile): { readonly start: bigint; readonly end: bigint } | undefined {
  const text = findSymbol(elf, 'runtime.text');
  const etext = text && findSymbol(elf, 'runtime.etext');
  return text && etext && etext.address > text.address ? { start: text.address, end: etext.address } : undefined;
}

/**
 * The first `.symtab` symbol called `name`. The Go readers ask for a
 * handful of names among ~50,000 symbols, some of which a binary does not
 * have (`go.func.*` after Go 1.20): where `name` and its NUL stand in the
 * string table is found by a native search of the table as text (made once
 * per table), then the first symbol whose name starts at one of those
 * places (from a map of name offsets made once a name is there to find) —
 * a loop comparing each symbol's name bytes ran over the whole table for
 * every name asked, in baseline code. A table whose text is not one
 * character per byte (UTF-8 names), or a name that is not ASCII, is
 * searched by that loop.
 */
function findSymbol(elf: ElfFile, name: string): ImageSymbol | undefined {
  const sec = elf.symbolTables('symtab')[0];
  if (!sec || sec.type === C.SHT_NOBITS) return undefined;
  let t;
  try {
    t = elf.symbolTable(sec);
  } catch (e) {
    // An unreadable table is as none: the Go reader finds its tables by section and moduledata, as in a
    // stripped binary (the damage is reported by whoever lists the symbols).
    if (isParseError(e)) return undefined;
    throw e;
  }
  const want = new TextEncoder().encode(name);
  const str = t.strtabBytes;
  let text = tableTexts.get(str);
  if (text === undefined) {
    // One character per byte (ASCII, or bytes no UTF-8 sequence takes, each one U+FFFD): places in the text are places in the table.
    const s = utf8.decode(str);
    tableTexts.set(str, (text = s.length === str.length ? s : null));
  }
  // A name that is not ASCII is looked for by its bytes (a U+FFFD in it would match any byte that is no UTF-8).
  if (text === null || want.length !== name.length) return findSymbolByBytes(t, want);
  const key = name + '\0';
  let first: number | undefined;
  for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
    let byOffset = symbolsByName.get(t);
    if (!byOffset) {
      // Each name offset's first symbol.
      symbolsByName.set(t, (byOffset = new Map()));
      for (let i = t.count - 1; i >= 1; i--) byOffset.set(t.nameOffset(i), i);
    }
    const i = byOffset.get(at);
    if (i !== undefined && (first === undefined || i < first)) first = i;
  }
  return first === undefined ? undefined : { address: t.value(first), size: t.size(first) };
}

/** {@link findSymbol} by comparing each symbol's name bytes with `want`. */
function findSymbolByBytes(t: SymbolTable, want: Uint8Array): ImageSymbol | undefined {
  const str = t.strtabBytes;
  outer: for (let i = 1; i < t.count; i++) {
    const off = t.nameOffset(i);
    if (off + want.length >= str.length || str[off + want.length] !== 0) continue;
    for (let k = 0; k < want.length; k++) if (str[off + k] !== want[k]) continue outer;
    return { address: t.value(i), size: t.size(i) };
  }
  return undefined;
}

// TextDecoder is a global in browsers, Node and Deno.
const utf8 = new TextDecoder('utf-8');
/** String tables as text (null: not one character per byte), made once each. */
const tableTexts = new WeakMap<Uint8Array, string | null>();
/** Per symbol table, the first symbol (by index) whose name starts at each string table offset. */
const symbolsByName = new WeakMap<SymbolTable, Map<number, number>>();
