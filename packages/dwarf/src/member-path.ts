import type { DwarfType, Member, StructType } from './type.js';
import { circular, isQualifier } from './type.js';
import { typeName } from './type-name.js';
import { TypeLookupError } from './type-lookup-error.js';

/** A member found by path, placed in the outermost type. */
export interface MemberAt {
  /** The path as asked. */
  readonly path: string;
  /** The last member on the path (undefined when the path ends in an array index). */
  readonly member?: Member;
  /**
   * Byte offset from the start of the outermost type (for a bit field, of
   * its storage unit: see {@link Member.offset}).
   */
  readonly offset: number;
  /** The type found at the path. */
  readonly type: DwarfType | undefined;
  /** Its size in bytes. */
  readonly size: number | undefined;
  /** For a bit field: width in bits. */
  readonly bitSize?: number;
  /** For a bit field: first bit counted from the start of the outermost type. */
  readonly bitOffset?: number;
}

type Step = { name: string } | { index: number };

/** Splits `a.b[2][3].c` into steps; undefined when it is not a path. */
function parsePath(path: string): Step[] | undefined {
  const steps: Step[] = [];
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(parts[i]!);
    if (!m) return undefined;
    if (m[1]) steps.push({ name: m[1] });
    else if (i > 0 || !m[2]) return undefined;
    for (const x of m[2]!.matchAll(/\[(\d+)\]/g)) steps.push({ index: Number(x[1]) });
  }
  return steps;
}

/** Peels typedefs and qualifiers. */
function stripped(t: DwarfType | undefined): DwarfType | undefined {
  for (let i = 0; t && (t.kind === 'typedef' || isQualifier(t.kind)); i++) {
    if (i > 64) throw circular(t.die);
    t = (t as { target: DwarfType | undefined }).target;
  }
  return t;
}

function isStruct(t: DwarfType | undefined): t is StructType {
  return t !== undefined && (t.kind === 'struct' || t.kind === 'class' || t.kind === 'union' || t.kind === 'interface');
}

/**
 * Finds `name` in `s`: a direct member first, then members promoted from
 * anonymous members, Go embedded fields and base classes, shallowest
 * first (Go's and C++'s rule). Returns the chain of members from `s`.
 */
function lookupName(s: StructType, name: string): Member[] | undefined {
  let level: { chain: Member[]; type: StructType }[] = [{ chain: [], type: s }];
  const seen = new Set<number>();
  for (let depth = 0; depth < 16 && level.length; depth++) {
    const next: typeof level = [];
    for (const { chain, type } of level) {
      for (const m of type.members) if (m.name === name && !m.inheritance) return [...chain, m];
    }
    for (const { chain, type } of level) {
      for (const m of type.members) {
        if (!(m.embedded || m.inheritance || m.name === undefined)) continue;
        const inner = stripped(m.type);
        if (!isStruct(inner) || seen.has(inner.offset)) continue;
        seen.add(inner.offset);
        next.push({ chain: [...chain, m], type: inner });
      }
    }
    level = next;
  }
  return undefined;
}

function memberNames(s: StructType): string {
  const names = s.members.filter((m) => m.name !== undefined && !m.inheritance).map((m) => m.name!);
  const shown = names.slice(0, 24).join(', ');
  return names.length > 24 ? `${shown}, … (${names.length} members)` : shown || 'no named members';
}

/**
 * The member at `path` inside `t` (see `TypeBase.member`). With `required`
 * a missing member throws {@link TypeLookupError}; otherwise it is
 * undefined.
 */
export function findMemberPath(t: DwarfType, path: string, required: boolean): MemberAt | undefined {
  const fail = (msg: string): undefined => {
    if (required) throw new TypeLookupError('member', path, msg);
    return undefined;
  };
  const steps = parsePath(path);
  if (!steps) return fail(`'${path}' is not a member path (name.name[index]…)`);
  const outer = typeName(t);
  let cur: DwarfType | undefined = t;
  let offset = 0;
  let member: Member | undefined;
  let bitOffset: number | undefined;
  let bitSize: number | undefined;
  let walked = '';
  for (const step of steps) {
    if (bitSize !== undefined) return fail(`${outer}: ${walked} is a bit field, which has no members`);
    const s = stripped(cur);
    if ('name' in step) {
      if (!isStruct(s)) return fail(`${outer}: ${walked || 'the type'} is ${s ? typeName(s) : 'void'}, which has no member '${step.name}'`);
      const chain = lookupName(s, step.name);
      if (!chain) return fail(`${outer}${walked ? ` (at ${walked}, ${typeName(s)})` : ''} has no member '${step.name}'; its members: ${memberNames(s)}`);
      for (const m of chain) {
        if (m.bitOffset !== undefined) {
          bitOffset = offset * 8 + m.bitOffset;
          bitSize = m.bitSize;
          offset += m.offset ?? 0;
        } else if (m.location === undefined) {
          return fail(`${outer}: the offset of ${m.name ?? 'a base class'} depends on the object (a virtual base)`);
        } else offset += m.location;
      }
      member = chain[chain.length - 1];
      cur = member!.type;
      walked += (walked ? '.' : '') + step.name;
    } else {
      if (!s || s.kind !== 'array') return fail(`${outer}: ${walked || 'the type'} is ${s ? typeName(s) : 'void'}, not an array`);
      // An index selects an element of the first dimension: a row of the
      // remaining ones for a multi-dimensional array.
      const count = s.dimensions[0]?.count;
      if (count !== undefined && step.index >= count) return fail(`${outer}: index ${step.index} is past the end of ${walked} (${count} elements)`);
      const row = s.row();
      const stride = row?.size;
      if (stride === undefined) return fail(`${outer}: the elements of ${walked} have no known size`);
      offset += step.index * stride;
      cur = row;
      member = undefined;
      walked += `[${step.index}]`;
    }
  }
  return { path, member, offset, type: cur, size: bitSize !== undefined ? member?.size : cur?.size, bitSize, bitOffset };
}
