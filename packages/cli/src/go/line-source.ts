import { addLineSource } from '../format/line-rows.js';
import { goLineRows } from './lines.js';
import { hasPclntab, requireGoSymbols } from './symbols.js';

// Registered when this module is imported: main.ts imports it after the
// DWARF source so that `elfkit lines` prefers DWARF and falls back to the
// pclntab for Go binaries without it.
addLineSource({
  name: 'go',
  available: (elf) => hasPclntab(elf),
  rows: (elf, query, errors) => goLineRows(requireGoSymbols(elf).table, query, errors),
});
