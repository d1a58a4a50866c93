import { Reader, type ByteOrder } from '@elfkit/binary';
import type { SectionId } from './sections.js';

/** Where one unit's share of a section lies in a `.dwp` file. */
export interface Contribution {
  readonly offset: number;
  readonly size: number;
}

/** A unit's contributions, by section. */
export type Contributions = Partial<Record<SectionId, Contribution>>;

/** One row of a `.debug_cu_index`/`.debug_tu_index`: a unit's signature and contributions. */
export interface DwpIndexRow {
  /** dwo_id (compile units) or type signature (type units). */
  readonly signature: bigint;
  readonly contributions: Contributions;
}

/** A parsed `.debug_cu_index` or `.debug_tu_index` (version 2, GNU, or 5). */
export interface DwpIndex {
  readonly version: number;
  readonly sectionCount: number;
  readonly unitCount: number;
  readonly slotCount: number;
  /** DW_SECT_* column ids. */
  readonly columns: readonly number[];
  readonly rows: readonly DwpIndexRow[];
  /** Row by signature. */
  find(signature: bigint): DwpIndexRow | undefined;
  /** Row whose `.debug_info` (or `.debug_types`) contribution starts at `offset`. */
  byUnitOffset(offset: number, types?: boolean): DwpIndexRow | undefined;
}

const V2: Record<number, SectionId | undefined> = { 1: 'info', 2: 'types', 3: 'abbrev', 4: 'line', 5: 'loc', 6: 'strOffsets' };
const V5: Record<number, SectionId | undefined> = { 1: 'info', 3: 'abbrev', 4: 'line', 5: 'loclists', 6: 'strOffsets', 8: 'rnglists' };

/**
 * Parses a DWARF package index. An empty section (gimli#706) gives an index
 * with no rows. Counts are checked against the section size before any
 * table is allocated.
 */
export function parseDwpIndex(bytes: Uint8Array, order: ByteOrder, sectionName: string): DwpIndex {
  const r = new Reader(bytes, { order, section: sectionName });
  const empty: DwpIndex = { version: 0, sectionCount: 0, unitCount: 0, slotCount: 0, columns: [], rows: [], find: () => undefined, byUnitOffset: () => undefined };
  if (bytes.length === 0) return empty;
  let version = r.u32();
  if (version !== 2) {
    r.pos = 0;
    version = r.u16();
    if (version !== 5) throw r.error('unsupported', `unit index version ${version}`, 0);
    r.skip(2);
  }
  const sectionCount = r.u32();
  const unitCount = r.u32();
  const slotCount = r.u32();
  const need = slotCount * 12 + sectionCount * 4 + unitCount * sectionCount * 8;
  if (need > r.remaining) throw r.error('too-large', `unit index with ${slotCount} slots, ${unitCount} units and ${sectionCount} sections does not fit (${r.remaining} bytes left)`, 0);
  if (slotCount > 0 && (slotCount & (slotCount - 1)) !== 0) throw r.error('invalid', `unit index slot count ${slotCount} is not a power of two`, 12);
  // Units take no bytes without section columns, so the size check above cannot bound their count.
  if (sectionCount === 0 && unitCount > 0) throw r.error('invalid', `unit index with ${unitCount} units has no section columns`, 4);
  const sigs: bigint[] = [];
  for (let i = 0; i < slotCount; i++) sigs.push(r.u64());
  const idx: number[] = [];
  for (let i = 0; i < slotCount; i++) idx.push(r.u32());
  const columns: number[] = [];
  for (let i = 0; i < sectionCount; i++) columns.push(r.u32());
  const names = version === 2 ? V2 : V5;
  // unitCount × sectionCount words each, row by row.
  const offsets = new Uint32Array(unitCount * sectionCount);
  for (let k = 0; k < offsets.length; k++) offsets[k] = r.u32();
  const sizes = new Uint32Array(unitCount * sectionCount);
  for (let k = 0; k < sizes.length; k++) sizes[k] = r.u32();
  const rows: DwpIndexRow[] = [];
  const bySig = new Map<bigint, DwpIndexRow>();
  for (let s = 0; s < slotCount; s++) {
    const i = idx[s]!;
    if (i === 0) continue;
    if (i > unitCount) throw r.error('out-of-range', `unit index slot ${s} names row ${i} of ${unitCount}`, 16 + slotCount * 8 + s * 4);
    const contributions: Contributions = {};
    for (let c = 0; c < sectionCount; c++) {
      const id = names[columns[c]!];
      if (id) contributions[id] = { offset: offsets[(i - 1) * sectionCount + c]!, size: sizes[(i - 1) * sectionCount + c]! };
    }
    const row = { signature: sigs[s]!, contributions };
    rows.push(row);
    bySig.set(row.signature, row);
  }
  let byInfo: Map<string, DwpIndexRow> | undefined;
  return {
    version,
    sectionCount,
    unitCount,
    slotCount,
    columns,
    rows,
    find: (sig) => bySig.get(sig),
    byUnitOffset(offset, types = false) {
      if (!byInfo) {
        byInfo = new Map();
        for (const row of rows) {
          if (row.contributions.info) byInfo.set('i' + row.contributions.info.offset, row);
          if (row.contributions.types) byInfo.set('t' + row.contributions.types.offset, row);
        }
      }
      return byInfo.get((types ? 't' : 'i') + offset);
    },
  };
}
