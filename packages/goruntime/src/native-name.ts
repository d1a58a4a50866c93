import { isParseError } from '@elfkit/binary';
import { constants as C, type ElfFile } from '@elfkit/elf';
import type { UnwindModule } from '@elfkit/unwind';
import type { PhysicalFrame } from './unwinder.js';

interface FunctionSymbol {
  readonly start: bigint;
  readonly end: bigint;
  readonly name: string;
}

const symbolCache = new WeakMap<object, FunctionSymbol[]>();

function symbolsOf(elf: ElfFile): FunctionSymbol[] {
  let list = symbolCache.get(elf);
  if (list) return list;
  list = [];
  try {
    for (const dynamic of [false, true]) {
      for (const s of elf.symbols(dynamic)) {
        if (s.type !== C.STT_FUNC || s.value === 0n) continue;
        list.push({ start: s.value, end: s.value + (s.size > 0n ? s.size : 1n), name: s.name });
      }
    }
  } catch (e) {
    if (!isParseError(e)) throw e;
  }
  list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  symbolCache.set(elf, list);
  return list;
}

/**
 * A native frame's name: the function symbol of its module covering the
 * pc (the module's own symbol table or dynamic symbols: libc, the vDSO),
 * its module's name, and the pc's offset in the module.
 */
export function nativeName(f: PhysicalFrame): { name?: string; module?: string; offset?: bigint } | undefined {
  const m = f.module as (UnwindModule & { elf?: ElfFile }) | undefined;
  if (!m) return undefined;
  const link = f.symPc - m.bias;
  let name: string | undefined;
  if (m.elf) {
    const list = symbolsOf(m.elf);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.start <= link) lo = mid + 1;
      else hi = mid;
    }
    const s = list[lo - 1];
    if (s && link < s.end) name = s.name;
  }
  return { name, module: m.name, offset: f.pc - m.start };
}
