// Builds .debug_info and .debug_abbrev from a tree of DIEs for the type
// reader's tests: every DIE gets its own abbreviation, references are
// labels (unit-local `ref4`, or section-absolute `ref_addr`), values are
// written in the form given.
import * as D from '../dist/index.js';
import { Asm } from './assembler.js';

/** A value: a number or bigint for data/udata/sdata/addr/flag forms, a string for DW_FORM_string, bytes for exprloc/block, `{ ref }` for a label. */
export type Value = number | bigint | string | number[] | { ref: string };
export type AttrSpec = [name: number, form: number, value: Value];
export interface DieSpec {
  label?: string;
  /** A label on the null entry that closes the children. */
  endLabel?: string;
  tag: number;
  attrs?: AttrSpec[];
  children?: DieSpec[];
}

/** Sections for `units` (each a compile unit root DIE). */
export function buildDwarf(units: DieSpec[], opts: { order?: 'little' | 'big'; version?: 4 | 5; addressSize?: 4 | 8 } = {}): Record<string, Uint8Array> {
  const order = opts.order ?? 'little';
  const version = opts.version ?? 4;
  const addressSize = opts.addressSize ?? 8;
  const abbrev = new Asm(order);
  const info = new Asm(order);
  let code = 0;
  const writeDie = (d: DieSpec, unitLabel: string) => {
    code++;
    abbrev.uleb(code).uleb(d.tag).u8(d.children ? 1 : 0);
    for (const [n, f] of d.attrs ?? []) abbrev.uleb(n).uleb(f);
    abbrev.uleb(0).uleb(0);
    if (d.label) info.label(d.label);
    info.uleb(code);
    for (const [, f, v] of d.attrs ?? []) {
      switch (f) {
        case D.DW_FORM_string:
          info.cstr(v as string);
          break;
        case D.DW_FORM_data1:
        case D.DW_FORM_flag:
          info.u8(Number(v));
          break;
        case D.DW_FORM_data2:
          info.u16(Number(v));
          break;
        case D.DW_FORM_data4:
          info.u32(Number(v));
          break;
        case D.DW_FORM_data8:
          info.u64(v as number | bigint);
          break;
        case D.DW_FORM_udata:
          info.uleb(v as number | bigint);
          break;
        case D.DW_FORM_sdata:
          info.sleb(v as number | bigint);
          break;
        case D.DW_FORM_addr:
          info.uint(BigInt(v as number | bigint), addressSize);
          break;
        case D.DW_FORM_flag_present:
          break;
        case D.DW_FORM_exprloc:
          info.uleb((v as number[]).length).bytes(v as number[]);
          break;
        case D.DW_FORM_ref4:
          if (typeof v === 'number') info.u32(v);
          else info.ref((v as { ref: string }).ref, 4, unitLabel);
          break;
        case D.DW_FORM_ref_addr:
          info.ref((v as { ref: string }).ref, 4);
          break;
        default:
          throw new Error(`die-builder: form 0x${f.toString(16)} not supported`);
      }
    }
    if (d.children) {
      for (const c of d.children) writeDie(c, unitLabel);
      if (d.endLabel) info.label(d.endLabel);
      info.u8(0);
    }
  };
  units.forEach((root, i) => {
    const label = `__unit${i}`;
    info.label(label).initialLength(`__end${i}`);
    if (version >= 5) info.u16(version).u8(D.DW_UT_compile).u8(addressSize).u32(0);
    else info.u16(version).u32(0).u8(addressSize);
    writeDie(root, label);
    info.label(`__end${i}`);
  });
  abbrev.uleb(0);
  return { '.debug_info': info.build(), '.debug_abbrev': abbrev.build() };
}

/** A Dwarf over built sections. */
export function dwarfOf(sections: Record<string, Uint8Array>, order: 'little' | 'big' = 'little'): D.Dwarf {
  return D.Dwarf.load((n) => sections[n], { order });
}

export const str = (name: number, s: string): AttrSpec => [name, D.DW_FORM_string, s];
export const data = (name: number, v: number): AttrSpec => [name, D.DW_FORM_data1, v];
export const udata = (name: number, v: number | bigint): AttrSpec => [name, D.DW_FORM_udata, v];
export const sdata = (name: number, v: number | bigint): AttrSpec => [name, D.DW_FORM_sdata, v];
export const ref = (name: number, label: string): AttrSpec => [name, D.DW_FORM_ref4, { ref: label }];
export const refAddr = (name: number, label: string): AttrSpec => [name, D.DW_FORM_ref_addr, { ref: label }];
export const flag = (name: number): AttrSpec => [name, D.DW_FORM_flag_present, 0];
export const expr = (name: number, bytes: number[]): AttrSpec => [name, D.DW_FORM_exprloc, bytes];
