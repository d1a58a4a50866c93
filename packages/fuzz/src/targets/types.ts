// DWARF types: the type reader over a damaged .debug_info — every named
// type's layout (members with offsets, bit fields, arrays, enums, typedef
// and qualifier chains), member paths, globals, constants and functions,
// as `elfkit dwarf types` and the uprobes argument reader use them.
import * as D from '@elfkit/dwarf';
import { dwarfTarget } from '../dwarf-target.js';
import type { Probe } from '../target.js';

/** What a pahole-style layout touches of a type, to a bounded depth. */
function walkType(t: D.DwarfType | undefined, p: Probe, depth: number): number {
  if (!t || depth > 4) return 0;
  let n = 1;
  p.attempt(() => [t.kind, t.name, t.size, t.offset]);
  p.attempt(() => t.strip());
  if (t.kind === 'struct' || t.kind === 'class' || t.kind === 'union' || t.kind === 'interface') {
    for (const m of t.members.slice(0, 64)) {
      p.attempt(() => [m.name, m.location, m.bitSize, m.bitOffset, m.offset]);
      n += p.attempt(() => walkType(m.type, p, depth + 1)) ?? 0;
      if (m.name) p.attempt(() => t.findMember(m.name!));
    }
  } else if (t.kind === 'array') {
    p.attempt(() => [t.count, t.dimensions.length, t.sizeAt(0)]);
    n += p.attempt(() => walkType(t.element, p, depth + 1)) ?? 0;
  } else if (t.kind === 'enum') {
    p.attempt(() => t.enumerators.length);
  }
  return n;
}

export const dwarfTypes = dwarfTarget({
  name: 'dwarf-types',
  describe: 'the DWARF type reader: named types and their layouts (members, bit fields, arrays, enums, chains), member paths, globals, constants, functions',
  sections: ['.debug_info', '.debug_abbrev', '.debug_str'],
  fixtures: ['c/gcc-dwarf5', 'c/gcc-dwarf4', 'c/clang-O2', 'cpp/gxx-dwarf5', 'c/gcc-m32', 'obj/s390x.o'],
  read: (dwarf, p) => {
    const types = p.attempt(() => new D.DwarfTypes(dwarf, { onError: p.sink }));
    if (!types) return 0;
    let n = 0;
    p.attempt(() => {
      for (const t of types.namedTypes(p.sink)) {
        n += walkType(t, p, 0);
        if (n > 3000) break;
      }
    });
    for (const e of types.errors) p.check(e);
    for (const name of ['shape', 'point', 'main', 'counter', 'std::string', 'int']) {
      p.attempt(() => types.findType(name));
      p.attempt(() => types.findVariable(name));
      p.attempt(() => types.findFunc(name)?.params.length);
    }
    p.attempt(() => types.constants('').length);
    // The narrowed index a Go core reader uses (`runtime.` names, no functions): it decodes only the names it keeps and skips whole subtrees.
    const narrow = p.attempt(() => new D.DwarfTypes(dwarf, { onError: p.sink, namePrefix: 's', functions: false }));
    if (narrow) {
      for (const name of ['shape', 'std::string', 'main', 'point']) {
        p.attempt(() => narrow.findType(name));
        p.attempt(() => narrow.findVariable(name));
      }
      for (const e of narrow.errors) p.check(e);
    }
    return n;
  },
});

/** The DWARF type reader's targets. */
export const typeTargets = [dwarfTypes];
