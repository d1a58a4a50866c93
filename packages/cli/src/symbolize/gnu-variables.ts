import { ParseError } from '@elfkit/binary';
import {
  attrNumber,
  DW_AT_decl_file,
  DW_AT_decl_line,
  DW_AT_external,
  DW_AT_linkage_name,
  DW_AT_location,
  DW_AT_MIPS_linkage_name,
  DW_AT_name,
  DW_AT_specification,
  DW_TAG_member,
  DW_TAG_variable,
  type Attribute,
  type Unit,
} from '@elfkit/dwarf';
import type { DwarfSource } from '@elfkit/symbolize';

/** A variable at a fixed address, as bfd's variable table keeps it. */
interface Variable {
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

const DW_OP_addr = 0x03;

/**
 * GNU addr2line's answer for a data address that a symbol names exactly
 * (bfd's `lookup_symbol_in_variable_table`): the declaration of a
 * variable at that address whose name occurs in the symbol's name — bfd
 * matches with `strstr` — from `DW_TAG_variable` / `DW_TAG_member` DIEs
 * located by a lone `DW_OP_addr`. Built over every unit on the first data
 * lookup.
 */
export class GnuVariables {
  private byAddress?: Map<bigint, Variable[]>;

  constructor(private readonly dwarf: DwarfSource) {}

  /** The file and line of the variable at `address` named in `symbolName`, or undefined. */
  lookup(address: bigint, symbolName: string): { file: string; line: number } | undefined {
    this.byAddress ??= this.build();
    for (const v of this.byAddress.get(address) ?? []) if (symbolName.includes(v.name)) return { file: v.file, line: v.line };
    return undefined;
  }

  private build(): Map<bigint, Variable[]> {
    const out = new Map<bigint, Variable[]>();
    for (const unit of this.dwarf.dwarf.units(() => {})) {
      if (unit.header.inTypes) continue;
      try {
        const c = unit.entries();
        while (c.next()) {
          const tag = c.tag;
          if (tag !== DW_TAG_variable && tag !== DW_TAG_member) continue;
          const v = this.variable(unit, c.attrs());
          if (!v) continue;
          let list = out.get(v.address);
          if (!list) out.set(v.address, (list = []));
          list.push(v);
        }
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        // A damaged unit has no variables to offer; the symbolizer reports it.
      }
    }
    return out;
  }

  /** A variable DIE's name, declaration and address, with bfd's rules: attributes apply in order, a specification's where it stands. */
  private variable(unit: Unit, attrs: readonly Attribute[]): (Variable & { address: bigint }) | undefined {
    let name: string | undefined;
    let fileIndex: number | undefined;
    let line = 0;
    let address: bigint | undefined;
    let stack = true;
    for (const a of attrs) {
      switch (a.name) {
        case DW_AT_name:
          name = unit.attrString(a) ?? name;
          break;
        case DW_AT_specification: {
          const t = this.specification(unit, a);
          if (t) {
            name = t.linkage ?? name ?? t.name;
            fileIndex = t.fileIndex ?? fileIndex;
            line = t.line ?? line;
          }
          break;
        }
        case DW_AT_decl_file:
          fileIndex = attrNumber(a.value) ?? fileIndex;
          break;
        case DW_AT_decl_line:
          line = attrNumber(a.value) ?? line;
          break;
        case DW_AT_external:
          if (a.value) stack = false;
          break;
        case DW_AT_location:
          if (a.value instanceof Uint8Array && a.value[0] === DW_OP_addr) {
            stack = false;
            const size = unit.header.addressSize;
            if (a.value.length === size + 1) address = readAddress(a.value, size, unit.littleEndian);
          }
          break;
      }
    }
    if (stack || address === undefined || name === undefined || fileIndex === undefined) return undefined;
    const file = this.dwarf.linesOf(unit)?.filePath(fileIndex);
    return file === undefined ? undefined : { name, file, line, address };
  }

  private specification(unit: Unit, a: Attribute): { name?: string; linkage?: string; fileIndex?: number; line?: number } | undefined {
    const r = unit.attrRef(a);
    if (!r || r.offset === undefined || r.target !== 'info') return undefined;
    if (!(r.offset >= unit.offset && r.offset < unit.end)) return undefined;
    const c = unit.entriesAt(r.offset);
    if (!c.next()) return undefined;
    const out: { name?: string; linkage?: string; fileIndex?: number; line?: number } = {};
    for (const t of c.attrs()) {
      if (t.name === DW_AT_name) out.name = unit.attrString(t);
      else if (t.name === DW_AT_linkage_name || t.name === DW_AT_MIPS_linkage_name) out.linkage = unit.attrString(t);
      else if (t.name === DW_AT_decl_file) out.fileIndex = attrNumber(t.value);
      else if (t.name === DW_AT_decl_line) out.line = attrNumber(t.value);
    }
    return out;
  }
}

function readAddress(expr: Uint8Array, size: number, little: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const b = BigInt(expr[little ? size - i : 1 + i]!);
    v = (v << 8n) | b;
  }
  return v;
}
