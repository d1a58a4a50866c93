import { readRange } from '@elfkit/binary';
import * as C from '@elfkit/elf/constants';
import { parseNotes } from '@elfkit/elf/notes';
import type { ElfImage } from '@elfkit/elf/rewrite';
import { parseModInfo, readRawBuildInfo } from '@elfkit/gosym/buildinfo';
import type { GoImage } from '@elfkit/gosym';
import { imageSegment } from '@elfkit/symbolize/image-segment';

/** What the binary says about itself. */
export interface BinaryFacts {
  /** GNU build id (lowercase hex); null when there is none. */
  buildId: string | null;
  /** Go toolchain version (`go1.27.3`) from `.go.buildinfo`; null for non-Go binaries. */
  goVersion: string | null;
  /** Go main module path; null when unknown. */
  goModule: string | null;
  /** Go main module version (`(devel)`, `v1.2.3`); null when unknown. */
  goModuleVersion: string | null;
}

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Build id and Go build information of `image`; never throws for odd files (the facts are then null). */
export function binaryFacts(image: ElfImage): BinaryFacts {
  const facts: BinaryFacts = { buildId: null, goVersion: null, goModule: null, goModuleVersion: null };
  try {
    for (const s of image.sections) {
      if (s.type !== C.SHT_NOTE || s.size > 1 << 16) continue;
      for (const n of parseNotes(readRange(image.source, s.offset, s.size, s.name), image.header.order, s.addralign, { section: s.name, fileOffset: s.offset })) {
        if (n.owner === 'GNU' && n.type === C.NT_GNU_BUILD_ID && facts.buildId === null) facts.buildId = hexOf(n.desc);
      }
    }
  } catch {
    // A malformed note hides the build id, nothing more.
  }
  try {
    Object.assign(facts, goBuildInfo(image));
  } catch {
    // Not Go, or an unreadable build info: no Go facts.
  }
  return facts;
}

/**
 * The binary's Go build info through @elfkit/gosym's reader (debug/buildinfo's
 * rules), over the lightweight image the stamp command reads: sections by
 * name, PT_LOAD segments and reads at virtual addresses are all it needs.
 */
function goBuildInfo(image: ElfImage): Partial<BinaryFacts> {
  const raw = readRawBuildInfo(goImageOf(image));
  if (!raw) return {};
  const info = parseModInfo(raw.modinfo, raw.goVersion);
  return { goVersion: raw.goVersion || null, goModule: info.main?.path ?? (info.path || null), goModuleVersion: info.main?.version ?? null };
}

function goImageOf(image: ElfImage): GoImage {
  const { source, header } = image;
  const loads = image.segments.filter((p) => p.type === C.PT_LOAD);
  const read = (address: bigint, size: number): Uint8Array | undefined => {
    const p = loads.find((q) => address >= q.vaddr && address + BigInt(size) <= q.vaddr + q.memsz);
    if (!p) return undefined;
    const rel = Number(address - p.vaddr);
    const out = new Uint8Array(size);
    const n = Math.max(0, Math.min(size, p.filesz - rel));
    if (n > 0) out.set(readRange(source, p.offset + rel, n, 'Go build info'));
    return out;
  };
  return {
    order: header.order,
    pointerSize: header.bits === 64 ? 8 : 4,
    hasSections: image.sections.length > 0,
    section(name) {
      const s = image.sections.find((x) => x.name === name && x.type !== C.SHT_NOBITS);
      return s && { name, address: s.addr, size: s.size, data: () => readRange(source, s.offset, s.size, name) };
    },
    symbol: () => undefined,
    segments: loads.map((p) => imageSegment(p, () => readRange(source, p.offset, p.filesz, `segment ${p.index}`))),
    read,
  };
}
