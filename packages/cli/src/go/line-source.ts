import type { LineSource } from '../format/line-rows.js';
import { goLineRows } from './lines.js';
import { hasPclntab, requireGoSymbols } from './symbols.js';

/** The Go pclntab as a line source for `elfkit lines` (tried after DWARF). */
export const goLineSource: LineSource = {
  name: 'go',
  available: (elf) => hasPclntab(elf),
  rows: (elf, query, errors) => goLineRows(requireGoSymbols(elf).table, query, errors),
};
