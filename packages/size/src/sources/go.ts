import { GO_PART_KINDS, type GoLayout, type GoPartKind } from '../go-layout.js';
import type { MapBuilder } from '../map-builder.js';

/** Each Go function's text `[entry, next entry)` under `label(function)`. */
export function addGoText(b: MapBuilder, layout: GoLayout, label: (func: number) => string | number): void {
  const e = layout.entries;
  for (let i = 0; i < layout.funcCount; i++) if (!Number.isNaN(e[i]!) && !Number.isNaN(e[i + 1]!)) b.addVMRange(label(i), e[i]!, e[i + 1]! - e[i]!);
}

/** Each function's pclntab and funcdata pieces under `label(function, kind)`. */
export function addGoPieces(b: MapBuilder, layout: GoLayout, label: (func: number, kind: GoPartKind) => string | number): void {
  for (let k = 0; k < layout.pieceCount; k++) {
    const s = layout.pieceStart[k]!;
    b.addVMRange(label(layout.pieceFunc[k]!, GO_PART_KINDS[layout.pieceKind[k]!]!), s, layout.pieceEnd[k]! - s);
  }
}

/**
 * Each function's pclntab and funcdata pieces charged to whatever label
 * its entry address has: how sources that know nothing of Go (symbols,
 * compile units, source lines) still split the pclntab by function.
 */
export function addGoPiecesAtEntry(b: MapBuilder, layout: GoLayout): void {
  for (let k = 0; k < layout.pieceCount; k++) {
    const s = layout.pieceStart[k]!;
    b.addVMRangeFor(layout.entries[layout.pieceFunc[k]!]!, s, layout.pieceEnd[k]! - s);
  }
}

/** The pclntab's header, file and CU tables, and the rest of it. */
export function addGoTables(b: MapBuilder, layout: GoLayout): void {
  for (const t of layout.tables) b.addVMRange(t.label, t.start, t.end - t.start);
}
