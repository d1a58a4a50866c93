import type { ElfFile } from '@elfkit/elf';
import { Symbolizer, type CodeAnswer, type MissReason, type Module } from '@elfkit/symbolize';
import type { AddressAnswer, DebugFileInput } from '../protocol.js';
import { droppedFilesHost, droppedPackage } from './dropped-files-host.js';
import { hex, messageOf } from './format.js';

/** At most this many addresses are looked up from one entry. */
export const MAX_ADDRESSES = 64;

const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;

/**
 * The address box's answers: `@elfkit/symbolize` over the opened file — its
 * DWARF with inlined calls (and the dropped `.debug`/`.dwo`/`.dwp` files),
 * then the Go pclntab, then the symbol table — with the same settings as
 * `elfkit symbolize`, so both give the same frames. The C++/Rust
 * demangler's WebAssembly comes from the site (`demangle.wasm` beside the
 * worker): the package's own lookup (`import.meta.url`) means nothing in a
 * classic worker.
 */
export class AddressBox {
  private readonly symbolizer: Symbolizer;
  private readonly module: Module;
  /** Why names stay mangled, once loading the demangler failed. */
  private demanglerProblem?: string;

  constructor(
    private readonly elf: ElfFile,
    name: string,
    debugFiles: readonly DebugFileInput[],
  ) {
    const host = droppedFilesHost(debugFiles, () => this.demanglerWasm());
    this.symbolizer = new Symbolizer(host, { fetch: false, dwp: droppedPackage(debugFiles) });
    this.module = this.symbolizer.moduleFromElf(elf, name);
  }

  /** The answers for the addresses in `text` (hex, with or without `0x`, separated by spaces or commas). */
  async lookup(text: string): Promise<AddressAnswer[]> {
    const words = text.split(/[\s,;]+/).filter((w) => w !== '');
    if (words.length === 0) return [{ query: '', found: false, reason: 'type an address in hex, e.g. 0x401126', frames: [] }];
    const answers: AddressAnswer[] = [];
    for (const w of words.slice(0, MAX_ADDRESSES)) answers.push(await this.one(w));
    if (words.length > MAX_ADDRESSES) answers.push({ query: `${words.length - MAX_ADDRESSES} more`, found: false, reason: `only the first ${MAX_ADDRESSES} addresses are looked up at once`, frames: [] });
    return answers;
  }

  private async one(query: string): Promise<AddressAnswer> {
    const address = parseAddress(query);
    if (address === undefined) return { query, found: false, reason: `"${query}" is not an address: type it in hex, e.g. 0x401126`, frames: [] };
    const section = this.sectionAt(address);
    const where = section && `${section.name}+${hex(address - section.addr)}`;
    const a = await this.symbolizer.code(this.module, address);
    const base = { query, address: hex(address), where, note: this.demanglerProblem && `names are left mangled: ${this.demanglerProblem}` };
    if (!a.found) {
      // An address in data is answered with the object that holds it (llvm-symbolizer's DATA).
      if (section && !(section.flags & SHF_EXECINSTR) && a.reason === 'unknown-address') {
        const d = await this.symbolizer.data(this.module, address);
        if (d.found) return { ...base, found: false, symbol: `${d.symbol.name}+${hex(address - d.symbol.start)}`, reason: `not code: ${hex(address)} is data in ${section.name}, in the object ${d.symbol.name}`, frames: [] };
      }
      return { ...base, found: false, reason: missText(a, address, section?.name), frames: [] };
    }
    return {
      ...base,
      found: true,
      source: a.source,
      symbol: a.symbol && `${a.symbol.name}+${hex(address - a.symbol.start)}`,
      frames: a.frames.map((f) => ({ function: f.function, file: f.file, line: f.line, column: f.column, inlined: f.inlined })),
    };
  }

  /** The allocated section holding `address`, if any. */
  private sectionAt(address: bigint): ElfFile['sections'][number] | undefined {
    let sections: ElfFile['sections'];
    try {
      sections = this.elf.sections;
    } catch {
      return undefined;
    }
    return sections.find((s) => s.flags & SHF_ALLOC && s.size > 0 && address >= s.addr && address < s.addr + BigInt(s.size));
  }

  private async demanglerWasm(): Promise<Uint8Array> {
    const url = new URL('demangle.wasm', self.location.href);
    try {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`HTTP ${r.status} ${r.statusText}`.trim());
      return new Uint8Array(await r.arrayBuffer());
    } catch (e) {
      this.demanglerProblem = `the demangler (${url.pathname}) could not be loaded: ${messageOf(e)}`;
      throw e;
    }
  }
}

/** A miss, in words. */
function missText(a: Extract<CodeAnswer, { found: false }>, address: bigint, section: string | undefined): string {
  const why: Record<MissReason, string> = {
    'unknown-address': section
      ? `no function covers ${hex(address)} (in ${section}): neither the DWARF, the Go pclntab nor the symbol table describes it`
      : `${hex(address)} is outside every loaded section of this file`,
    'missing-symbols': 'this file has no DWARF, no Go pclntab and no symbol table (stripped): open it together with its .debug file',
    'invalid-file': 'the file cannot be read as ELF',
    'missing-file': 'the file cannot be opened',
    unmapped: `${hex(address)} is not in this file`,
  };
  return a.error ? `${why[a.reason]} (${messageOf(a.error)})` : why[a.reason];
}

/** Hex, as addresses are written in traces and in this page's tables: `0x401126` or `401126`. */
export function parseAddress(text: string): bigint | undefined {
  const t = text.replace(/[:)]$/, '');
  if (!/^(0x)?[0-9a-f]{1,16}$/i.test(t)) return undefined;
  return BigInt(/^0x/i.test(t) ? t : '0x' + t);
}
