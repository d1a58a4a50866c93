import type { ElfFile, RelocationTable, Section } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';

/**
 * How one relocation changes the bytes it applies to: the value stored is
 * `compute(S, A, P, old)` in `size` bytes. `S` is the symbol's value, `A`
 * the addend (RELA) or the bytes already there (REL), `P` the place.
 */
interface RelocKind {
  size: 1 | 2 | 4 | 8;
  compute(S: bigint, A: bigint, P: bigint, old: bigint): bigint;
}

const abs = (size: 1 | 2 | 4 | 8): RelocKind => ({ size, compute: (S, A) => S + A });
const pcrel = (size: 4 | 8): RelocKind => ({ size, compute: (S, A, P) => S + A - P });
const add = (size: 1 | 2 | 4 | 8): RelocKind => ({ size, compute: (S, A, _P, old) => old + S + A });
const sub = (size: 1 | 2 | 4 | 8): RelocKind => ({ size, compute: (S, A, _P, old) => old - (S + A) });
const set6: RelocKind = { size: 1, compute: (S, A, _P, old) => (old & 0xc0n) | ((S + A) & 0x3fn) };
const sub6: RelocKind = { size: 1, compute: (S, A, _P, old) => (old & 0xc0n) | ((old - (S + A)) & 0x3fn) };
const dtprel = (size: 4 | 8): RelocKind => ({ size, compute: (S, A) => S + A - 0x8000n });

/**
 * The relocation types LLVM's RelocationResolver applies to debug sections
 * of object files, per machine (the types llvm-dwarfdump cannot compute,
 * such as most TLS offsets, are left out: like llvm-dwarfdump we keep the
 * bytes as they are).
 */
function kindOf(machine: number, is64: boolean, type: number): RelocKind | undefined {
  switch (machine) {
    case C.EM_X86_64:
      return ({ 1: abs(8), 2: pcrel(4), 10: abs(4), 11: abs(4), 17: abs(8), 21: abs(4), 24: pcrel(8) } as Record<number, RelocKind>)[type];
    case C.EM_386:
      return ({ 1: abs(4), 2: pcrel(4) } as Record<number, RelocKind>)[type];
    case C.EM_AARCH64:
      return ({ 257: abs(8), 258: abs(4), 260: pcrel(8), 261: pcrel(4) } as Record<number, RelocKind>)[type];
    case C.EM_ARM:
      return ({ 2: abs(4), 3: pcrel(4) } as Record<number, RelocKind>)[type];
    case C.EM_RISCV:
      return ({
        1: abs(4), 2: abs(8), 33: add(1), 34: add(2), 35: add(4), 36: add(8), 37: sub(1), 38: sub(2), 39: sub(4), 40: sub(8),
        52: sub6, 53: set6, 54: abs(1), 55: abs(2), 56: abs(4), 57: pcrel(4),
      } as Record<number, RelocKind>)[type];
    case C.EM_S390:
      return ({ 4: abs(4), 5: pcrel(4), 22: abs(8), 23: pcrel(8) } as Record<number, RelocKind>)[type];
    case C.EM_PPC64:
      return ({ 1: abs(4), 38: abs(8), 26: pcrel(4), 44: pcrel(8) } as Record<number, RelocKind>)[type];
    case C.EM_PPC:
      return ({ 1: abs(4), 26: pcrel(4) } as Record<number, RelocKind>)[type];
    case C.EM_MIPS:
    case C.EM_MIPS_RS3_LE:
      return is64
        ? ({ 2: abs(4), 18: abs(8), 47: dtprel(8), 248: pcrel(4) } as Record<number, RelocKind>)[type]
        : ({ 2: abs(4), 38: abs(4) } as Record<number, RelocKind>)[type];
    default:
      return undefined;
  }
}

/**
 * For a relocatable object (ET_REL), the debug sections with their
 * relocations applied (after decompression), as llvm-dwarfdump reads them:
 * without this every `.debug_str` offset of an x86-64 `.o` reads 0, since
 * RELA keeps the offset in the addend. Returns a map from section index to
 * the relocated copy, and the number of relocations it could not compute.
 * Executables and shared objects are never relocated (their DWARF is final,
 * even when linked with `--emit-relocs`). `placement` gives, for debug
 * sections read joined with others of the same name, their offset in the
 * join (see {@link debugSectionGroups}).
 */
export function relocateDebugSections(elf: ElfFile, placement: ReadonlyMap<number, number> = new Map()): { data: Map<number, Uint8Array>; skipped: number } {
  const data = new Map<number, Uint8Array>();
  let skipped = 0;
  if (elf.header.type !== C.ET_REL) return { data, skipped };
  const is64 = elf.header.bits === 64;
  const le = elf.header.order === 'little';
  let tables: RelocationTable[];
  try {
    tables = elf.relocationTables();
  } catch {
    return { data, skipped };
  }
  for (const t of tables) {
    if (t.kind === 'relr') continue;
    const target: Section | undefined = elf.sections[t.section.info];
    if (!target || !/^\.(z?debug_|gnu_debugaltlink|eh_frame$)/.test(target.name)) continue;
    let bytes = data.get(target.index);
    if (!bytes) {
      bytes = new Uint8Array(elf.sectionData(target));
      data.set(target.index, bytes);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const symbols = t.symbolTable ? elf.symbolsOf(t.symbolTable) : [];
    for (const rel of t.relocations) {
      const kind = kindOf(elf.header.machine, is64, rel.type2 || rel.type3 ? -1 : rel.type);
      if (rel.type === 0) continue;
      if (!kind) {
        skipped++;
        continue;
      }
      const off = Number(rel.offset);
      if (!(off >= 0 && off + kind.size <= bytes.length)) {
        skipped++;
        continue;
      }
      const old = read(view, off, kind.size, le);
      const sym = rel.symbolIndex ? symbols[rel.symbolIndex] : undefined;
      // Sections of a .o sit at address 0, so a symbol's address is its
      // value — plus, for a debug section read joined with others of its
      // name (one per COMDAT group), where it starts in the join.
      const S = sym ? sym.value + BigInt(placement.get(sym.shndx) ?? 0) : 0n;
      const A = t.kind === 'rela' ? (rel.addend ?? 0n) : old;
      const v = BigInt.asUintN(kind.size * 8, kind.compute(S, A, rel.offset, old));
      write(view, off, kind.size, le, v);
    }
  }
  return { data, skipped };
}

function read(v: DataView, off: number, size: number, le: boolean): bigint {
  switch (size) {
    case 1:
      return BigInt(v.getUint8(off));
    case 2:
      return BigInt(v.getUint16(off, le));
    case 4:
      return BigInt(v.getUint32(off, le));
    default:
      return v.getBigUint64(off, le);
  }
}

function write(v: DataView, off: number, size: number, le: boolean, value: bigint): void {
  switch (size) {
    case 1:
      v.setUint8(off, Number(value));
      break;
    case 2:
      v.setUint16(off, Number(value), le);
      break;
    case 4:
      v.setUint32(off, Number(value), le);
      break;
    default:
      v.setBigUint64(off, value, le);
  }
}

/**
 * For a relocatable object, the debug sections that share a name (one per
 * COMDAT group: `-fdebug-types-section` type units, armcc objects), in
 * section order, with the offset each starts at when they are read one
 * after the other — as llvm-dwarfdump reads every one of them, not the
 * first. Only names with more than one section are listed.
 */
export function debugSectionGroups(elf: ElfFile): { byName: Map<string, Section[]>; placement: Map<number, number> } {
  const byName = new Map<string, Section[]>();
  const placement = new Map<number, number>();
  if (elf.header.type !== C.ET_REL) return { byName, placement };
  for (const s of elf.sections) {
    if (s.type === C.SHT_NOBITS || !/^\.(z?debug_)/.test(s.name)) continue;
    const name = s.name.startsWith('.zdebug_') ? '.debug_' + s.name.slice(8) : s.name;
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(s);
  }
  for (const [name, list] of byName) {
    if (list.length < 2) {
      byName.delete(name);
      continue;
    }
    let at = 0;
    for (const s of list) {
      placement.set(s.index, at);
      at += elf.sectionData(s).length;
    }
  }
  return { byName, placement };
}
