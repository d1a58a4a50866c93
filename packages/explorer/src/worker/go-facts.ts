import type { ElfFile } from '@elfkit/elf';
import { inspectGo, type GoSymbols } from '@elfkit/gosym';
import { goImage } from '@elfkit/symbolize/go-image';
import type { GoSummary } from '../protocol.js';
import type { TableSource } from './table.js';
import { goFileTable, goFuncTable, goSummary } from './go-views.js';

/** The Go views of a binary, or undefined when it is not a Go binary. */
export function goFacts(elf: ElfFile, name: string, phase: (what: string) => void): { summary: GoSummary; tables: TableSource[]; symbols: GoSymbols | undefined } | undefined {
  phase('reading Go metadata');
  const g = inspectGo(goImage(elf));
  if (g.kind === 'not-go') return undefined;
  const tables: TableSource[] = [];
  const t = g.symbols?.table;
  if (t) tables.push(goFuncTable(t), goFileTable(t));
  return { summary: goSummary(name, g), tables, symbols: g.symbols };
}
