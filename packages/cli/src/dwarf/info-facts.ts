import type { ElfFile } from '@elfkit/elf';
import { hasDwarf, openDwarf } from '@elfkit/symbolize';
import { NodeDebugHost } from '@elfkit/symbolize/node';

/** `elfkit info` facts from the DWARF: the unit versions present (a damaged unit or section goes to `onError`). */
export function dwarfInfoFacts(elf: ElfFile, _path: string, onError: (e: unknown) => void): { debug?: { versions: number[] } } {
  if (!hasDwarf(elf)) return {};
  const host = new NodeDebugHost();
  try {
    const od = openDwarf(elf, '', host);
    if (!od) return {};
    const versions = new Set<number>();
    for (const u of od.dwarf.units(onError)) versions.add(u.version);
    for (const u of od.dwarf.typeUnits(onError)) versions.add(u.version);
    return { debug: { versions: [...versions].sort((x, y) => x - y) } };
  } finally {
    host.close();
  }
}
