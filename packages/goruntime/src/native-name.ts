import { isParseError } from '@elfkit/binary';
import type { ElfFile } from '@elfkit/elf';
import { SymbolIndex } from '@elfkit/symbolize';
import type { UnwindModule } from '@elfkit/unwind';
import type { PhysicalFrame } from './unwinder.js';

const indexes = new WeakMap<ElfFile, SymbolIndex>();

/**
 * A native frame's name: its module's symbol for the looked-up pc (the
 * symbol table, else the dynamic symbols: libc, the vDSO, as
 * llvm-symbolizer picks them), its module's name, and the pc's offset in
 * the module.
 */
export function nativeName(f: PhysicalFrame): { name?: string; module?: string; offset?: bigint } | undefined {
  const m = f.module as (UnwindModule & { elf?: ElfFile }) | undefined;
  if (!m) return undefined;
  let name: string | undefined;
  if (m.elf) {
    let index = indexes.get(m.elf);
    if (!index) indexes.set(m.elf, (index = SymbolIndex.of(m.elf)));
    try {
      name = index.lookup(f.symPc - m.bias)?.name;
    } catch (e) {
      if (!isParseError(e)) throw e;
    }
  }
  return { name, module: m.name, offset: f.pc - m.start };
}
