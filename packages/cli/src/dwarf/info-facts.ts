import type { ElfFile } from '@elfkit/elf';
import { hasDwarf, openDwarf } from '@elfkit/symbolize';
import { NodeDebugHost } from '@elfkit/symbolize/node';

/** `elfkit info` facts from the DWARF: the unit versions present. */
export function dwarfInfoFacts(elf: ElfFile): { debug?: { versions: number[] } } {
  if (!hasDwarf(elf)) return {};
  const host = new NodeDebugHost();
  try {
    const od = openDwarf(elf, '', host);
    if (!od) return {};
    const versions = new Set<number>();
    const ignore = () => {};
    for (const u of od.dwarf.units(ignore)) versions.add(u.version);
    for (const u of od.dwarf.typeUnits(ignore)) versions.add(u.version);
    return { debug: { versions: [...versions].sort((x, y) => x - y) } };
  } catch {
    return {};
  } finally {
    host.close();
  }
}
