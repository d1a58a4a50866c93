import { isParseError } from '@elfkit/binary';
import type { Attribute, Dwarf, Unit } from '@elfkit/dwarf';
import { isLocationList, isRangeList } from './describe.js';

/** A range or location list some DIE refers to. */
export interface ListReference {
  /** `.debug_ranges`, `.debug_rnglists`, `.debug_loc`, `.debug_loclists` (or `.dwo` names). */
  readonly section: string;
  readonly offset: number;
  /** The first unit that refers to it (its base address and bases resolve the list). */
  readonly unit: Unit;
  /** The referring attribute. */
  readonly attribute: Attribute;
}

/**
 * The lists of one kind that the DIEs refer to, each once, in section and
 * offset order. Lists are found from their references rather than by
 * walking the sections, because producers put other data between lists
 * (GCC's location views in `.debug_loclists`) that a sequential walk would
 * misread — as readelf does it.
 */
export function listReferences(dwarf: Dwarf, kind: 'ranges' | 'locations', onError: (e: unknown) => void): ListReference[] {
  const found = new Map<string, ListReference>();
  const units = [...dwarf.units(onError), ...dwarf.typeUnits(onError)];
  for (const u of units) {
    try {
      const c = u.entries();
      while (c.next()) {
        const a = c.abbrev!;
        // Only decode DIEs whose abbreviation has a candidate attribute.
        if (!a.forms.some((f, i) => (kind === 'ranges' ? isRangeList({ name: a.names[i]!, form: f, value: 0 }, u.version) : isLocationList({ name: a.names[i]!, form: f, value: 0 }, u.version)))) continue;
        for (const at of c.attrs()) {
          const isList = kind === 'ranges' ? isRangeList(at, u.version) : isLocationList(at, u.version);
          if (!isList) continue;
          try {
            const loc = kind === 'ranges' ? u.rangeListLocation(at) : u.locationListLocation(at);
            if (!loc) continue;
            const owner = kind === 'ranges' ? (loc as { owner: Dwarf }).owner : u.dwarf;
            const id = kind === 'ranges' ? ((loc as { rnglists: boolean }).rnglists ? 'rnglists' : 'ranges') : (loc as { format: string }).format === 'loclists' ? 'loclists' : 'loc';
            const section = owner.sections.name(id);
            const key = section + ':' + loc.offset;
            if (!found.has(key)) found.set(key, { section, offset: loc.offset, unit: u, attribute: at });
          } catch (e) {
            if (!isParseError(e)) throw e;
            onError(e);
          }
        }
      }
    } catch (e) {
      if (!isParseError(e)) throw e;
      onError(e);
    }
  }
  return [...found.values()].sort((x, y) => (x.section === y.section ? x.offset - y.offset : x.section < y.section ? -1 : 1));
}
