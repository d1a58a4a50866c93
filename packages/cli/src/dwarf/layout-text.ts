import { declaration, typeName, type DwarfType, type EnumType, type Member, type StructType } from '@elfkit/dwarf';

/** pahole's cache line size (its `-c` default). */
const CACHELINE = 64;
/** The visual column where pahole starts member names, and where its offset/size comments start. */
const NAME_COLUMN = 35;
const COMMENT_COLUMN = 57;

const isStructKind = (t: DwarfType | undefined): t is StructType => t !== undefined && (t.kind === 'struct' || t.kind === 'class' || t.kind === 'union' || t.kind === 'interface');

/**
 * The anonymous struct or union pahole writes out in place of a member's
 * type: the type itself, or the element of an array of one (with the
 * array's dimensions, `[3]`).
 */
export function inlineType(t: DwarfType | undefined): { inner: StructType; dims: string } | undefined {
  if (t && isStructKind(t) && t.name === undefined) return { inner: t, dims: '' };
  if (t?.kind === 'array' && t.name === undefined) {
    const e = t.element;
    if (e && isStructKind(e) && e.name === undefined) return { inner: e, dims: t.dimensions.map((d) => `[${d.count ?? ''}]`).join('') };
  }
  return undefined;
}

/** Splits a C declaration into pahole's type column and name column (`void` / `(*cb)(int, ...)`). */
function columns(t: DwarfType | undefined, name: string): [string, string] {
  const mark = '\u0000';
  const decl = declaration(t, mark);
  const at = decl.indexOf(mark);
  if (at < 0) return [decl, name];
  let before = decl.slice(0, at);
  const after = decl.slice(at + 1);
  // A declarator that wraps the name (function pointers, pointers to arrays) stays with it.
  const wrap = /\(+[*&]*(?:const |volatile )*$/.exec(before);
  let lead = '';
  if (wrap && wrap.index > 0) {
    lead = wrap[0];
    before = before.slice(0, wrap.index);
  }
  return [before.trimEnd(), lead + name + after];
}

/** Visual width of `s` placed at column `col`, tabs expanded to 8. */
function visualEnd(s: string, col: number): number {
  for (const ch of s) col = ch === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
  return col;
}

function padTo(s: string, startCol: number, target: number): string {
  const end = visualEnd(s, startCol);
  return end < target ? s + ' '.repeat(target - end) : s;
}

function offsetComment(m: Member, base: number): string {
  const off = base + (m.offset ?? 0);
  const size = m.size ?? 0;
  if (m.bitSize !== undefined) return `/* ${String(off).padStart(5)}:${String(m.bitInUnit ?? 0).padStart(2)}${String(size).padStart(3)} */`;
  return `/* ${String(off).padStart(5)} ${String(size).padStart(5)} */`;
}

/** One line: indentation, type column, name column, and the comment in pahole's columns. */
function memberLine(indent: number, type: string, name: string, comment: string): string {
  const tabs = '\t'.repeat(indent);
  const lead = tabs + (type ? padTo(type, indent * 8, NAME_COLUMN - 1) + ' ' : '');
  const col = visualEnd(lead, 0);
  const named = padTo(name, col, COMMENT_COLUMN - 1);
  return `${lead}${named} ${comment}`;
}

/** The bytes a member takes: a bit field its whole storage unit (as pahole counts). */
function byteRange(m: Member): [number, number] {
  const off = m.offset ?? 0;
  return [off, off + (m.size ?? 0)];
}

/** The bits a member takes from the start of its struct. */
function bitRange(m: Member): [number, number] {
  if (m.bitOffset !== undefined && m.bitSize !== undefined) return [m.bitOffset, m.bitOffset + m.bitSize];
  const [a, b] = byteRange(m);
  return [a * 8, b * 8];
}

/** Facts pahole prints after a struct's members. */
interface Summary {
  holes: number;
  sumHoles: number;
  sumMembers: number;
  bitfieldBits: number;
  bitHoles: number;
  sumBitHoles: number;
  padding: number;
  bitPadding: number;
  /** Members whose struct type ends in padding, and that padding summed. */
  paddings: number;
  sumPaddings: number;
}

/** The bytes after a struct's last member (pahole's padding). */
function tailPadding(s: StructType): number {
  const last = s.members[s.members.length - 1];
  if (s.kind === 'union' || !last) return 0;
  const size = s.size ?? 0;
  const end = byteRange(last)[1];
  return size > end ? size - end : 0;
}

/**
 * Writes the members of `s` at `indent`, anonymous structs and unions
 * expanded in place as pahole does, offsets from the outermost type;
 * holes between members (bytes, and bits between bit fields), bit fields
 * that share bytes with their neighbours, and cache line boundaries are
 * comments as pahole writes them.
 */
function writeMembers(out: string[], s: StructType, indent: number, base: number, top: boolean): Summary {
  const sum: Summary = { holes: 0, sumHoles: 0, sumMembers: 0, bitfieldBits: 0, bitHoles: 0, sumBitHoles: 0, padding: 0, bitPadding: 0, paddings: 0, sumPaddings: 0 };
  const tabs = '\t'.repeat(indent);
  let end = 0;
  let cacheline = 0;
  const union = s.kind === 'union';
  const members = s.members;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const prev = members[i - 1];
    const [start, stop] = byteRange(m);
    const notes: string[] = [];
    /** pahole's invented `:0` member, when a bit field starts a new storage unit of its type after a partly used one. */
    let forceAlign: string | undefined;
    if (!union && prev && m.offset !== undefined) {
      if (prev.bitSize !== undefined) {
        // Bits left unused after a bit field, inside its storage unit.
        const [, prevBitEnd] = bitRange(prev);
        const [, prevStop] = byteRange(prev);
        const gap = Math.min(bitRange(m)[0], prevStop * 8) - prevBitEnd;
        if (gap > 0) {
          sum.bitHoles++;
          sum.sumBitHoles += gap;
          notes.push(`/* XXX ${gap} bit${gap === 1 ? '' : 's'} hole, try to pack */`);
          if (m.bitSize !== undefined && m.size === prev.size && start >= prevStop) forceAlign = columns(prev.type, '')[0];
        }
        if (start < prevStop && (m.bitSize === undefined || m.offset !== prev.offset || m.size !== prev.size)) notes.push('/* Bitfield combined with next fields */');
      } else if (m.bitSize !== undefined && start < end) notes.push('/* Bitfield combined with previous fields */');
    }
    if (!union && m.offset !== undefined && start > end) {
      const hole = start - end;
      sum.holes++;
      sum.sumHoles += hole;
      notes.push(`/* XXX ${hole} byte${hole === 1 ? '' : 's'} hole, try to pack */`);
    }
    if (forceAlign !== undefined) {
      out.push('', ...notes.map((n) => tabs + n), '', `${tabs}/* Force alignment to the next boundary: */`, `${tabs}${padTo(forceAlign, indent * 8, NAME_COLUMN - 1)} :0;`);
      notes.length = 0;
      notes.push('');
    }
    if (notes.length === 1 && notes[0] === '') out.push('');
    else if (notes.length) out.push('', ...notes.map((n) => tabs + n), '');
    if (top && !union && m.offset !== undefined) {
      const line = Math.floor((base + start) / CACHELINE);
      if (line > cacheline) {
        cacheline = line;
        const boundary = line * CACHELINE;
        const ago = base + start - boundary;
        out.push(`${tabs}/* --- cacheline ${line} boundary (${boundary} bytes)${ago ? ` was ${ago} bytes ago` : ''} --- */`);
      }
    }
    const type = m.type;
    const inline = inlineType(type);
    if (m.inheritance) {
      out.push(memberLine(indent, '', `/* ${typeName(type)} <ancestor>; */`, offsetComment(m, base)));
    } else if (inline) {
      out.push(`${tabs}${inline.inner.kind} {`);
      writeMembers(out, inline.inner, indent + 1, base + (m.offset ?? 0), false);
      // pahole does not align the comment after an array of an anonymous type.
      if (inline.dims) out.push(`${tabs}} ${m.name ?? ''}${inline.dims}; ${offsetComment(m, base)}`);
      else out.push(memberLine(indent, '', `}${m.name ? ' ' + m.name : ''};`, offsetComment(m, base)));
    } else {
      const [tcol, ncol] = columns(type, m.name ?? '');
      const bits = m.bitSize !== undefined ? `:${m.bitSize}` : '';
      out.push(memberLine(indent, tcol, `${ncol}${bits};`, offsetComment(m, base)));
      // pahole notes the padding of a member's struct type, not of one behind a typedef.
      const pad = type && (type.kind === 'struct' || type.kind === 'class') ? tailPadding(type) : 0;
      if (pad) {
        sum.paddings++;
        sum.sumPaddings += pad;
        out.push('', `${tabs}/* XXX last struct has ${pad} byte${pad === 1 ? '' : 's'} of padding */`, '');
      }
    }
    if (m.bitSize === undefined) sum.sumMembers += m.size ?? 0;
    else sum.bitfieldBits += m.bitSize;
    if (!union) end = stop;
  }
  const size = s.size ?? 0;
  const last = members[members.length - 1];
  if (!union && size > end && last) sum.padding = size - end;
  if (!union && last?.bitSize !== undefined) sum.bitPadding = byteRange(last)[1] * 8 - bitRange(last)[1];
  return sum;
}

/** The alignment a scalar member needs: its size, up to 8 (x86-64 and AArch64 rules; enough to tell packing). */
function scalarAlignment(t: DwarfType | undefined): number | undefined {
  const s = t?.strip();
  if (!s || (s.kind !== 'base' && s.kind !== 'pointer' && s.kind !== 'enum')) return undefined;
  const size = s.size;
  return size && (size & (size - 1)) === 0 ? Math.min(size, 8) : undefined;
}

/** True when a scalar member sits at an offset its type's alignment does not allow: the struct was packed (pahole says so). */
function looksPacked(s: StructType): boolean {
  if (s.kind === 'union') return false;
  for (const m of s.members) {
    if (m.bitSize !== undefined || m.offset === undefined) continue;
    const a = scalarAlignment(m.type);
    if (a !== undefined && m.offset % a !== 0) return true;
  }
  return false;
}

/** The layout of a struct, class or union as `pahole -C` prints it (`name`: for an anonymous one, the typedef naming it). */
export function structLayoutText(s: StructType, name = s.name): string {
  const out: string[] = [];
  const head = `${s.kind} ${name ?? ''}`.trimEnd();
  const bases = s.members.filter((m) => m.inheritance).map((m) => `public ${typeName(m.type).replace(/^(struct|class) /, '')}`);
  out.push(`${head}${bases.length ? ' : ' + bases.join(', ') : ''} {`);
  const sum = writeMembers(out, s, 1, 0, true);
  const size = s.size ?? 0;
  const lines = Math.ceil(size / CACHELINE);
  out.push('', `\t/* size: ${size}, cachelines: ${lines}, members: ${s.members.length} */`);
  if (sum.holes || sum.bitHoles) out.push(`\t/* sum members: ${sum.sumMembers}${sum.holes ? `, holes: ${sum.holes}, sum holes: ${sum.sumHoles}` : ''} */`);
  if (sum.bitHoles) out.push(`\t/* sum bitfield members: ${sum.bitfieldBits} bits, bit holes: ${sum.bitHoles}, sum bit holes: ${sum.sumBitHoles} bits */`);
  else if (sum.holes && sum.bitfieldBits) out.push(`\t/* sum bitfield members: ${sum.bitfieldBits} bits (${Math.floor(sum.bitfieldBits / 8)} bytes) */`);
  if (sum.padding) out.push(`\t/* padding: ${sum.padding} */`);
  if (sum.paddings) out.push(`\t/* paddings: ${sum.paddings}, sum paddings: ${sum.sumPaddings} */`);
  if (sum.bitPadding) out.push(`\t/* bit_padding: ${sum.bitPadding} bits */`);
  if (size % CACHELINE) out.push(`\t/* last cacheline: ${size % CACHELINE} bytes */`);
  out.push(looksPacked(s) ? '} __attribute__((__packed__));' : '};');
  return out.join('\n') + '\n';
}

/** An enumeration as `pahole -C` prints it. */
export function enumText(e: EnumType): string {
  const width = Math.max(0, ...e.enumerators.map((x) => x.name.length));
  const lines = e.enumerators.map((x) => `\t${x.name.padEnd(width)} = ${x.value},`);
  return `enum ${e.name ?? ''} {\n${lines.join('\n')}${lines.length ? '\n' : ''}};\n`;
}

/** A type's layout as pahole prints it: structs, classes and unions member by member, enumerations with their values, other types as a typedef line. */
export function layoutText(t: DwarfType): string {
  if (isStructKind(t)) return structLayoutText(t);
  if (t.kind === 'enum') return enumText(t);
  if (t.kind === 'typedef') {
    const s = t.strip();
    if (isStructKind(s) && (s.name === undefined || s.name === t.name)) return structLayoutText(s, t.name);
    return `typedef ${declaration(t.target, t.name ?? '')};\n`;
  }
  return `/* ${typeName(t)}: ${t.kind}, size ${t.size ?? '?'} */\n`;
}

/** A member as JSON (docs/json-dwarf.md). */
function memberJson(m: Member): Record<string, unknown> {
  const t = m.type;
  const inner = inlineType(t)?.inner;
  return {
    name: m.name ?? null,
    type: typeName(t),
    typeKind: t?.strip()?.kind ?? null,
    offset: m.offset ?? null,
    size: m.size ?? null,
    bitOffset: m.bitOffset ?? null,
    bitSize: m.bitSize ?? null,
    inheritance: m.inheritance || undefined,
    embedded: m.embedded || undefined,
    members: inner ? inner.members.map(memberJson) : undefined,
  };
}

/** A type as JSON: kind, name, size, DIE offset, and members or enumerators. */
export function layoutJson(t: DwarfType): Record<string, unknown> {
  const s = t.kind === 'typedef' ? t.strip() : t;
  const j: Record<string, unknown> = { name: t.name ?? null, kind: t.kind, offset: t.offset, size: t.size ?? null };
  if (t !== s) j.target = s ? typeName(s) : 'void';
  if (s && isStructKind(s)) j.members = s.members.map(memberJson);
  if (s?.kind === 'enum') j.enumerators = s.enumerators.map((e) => ({ name: e.name, value: e.value >= -0x1fffffffffffffn && e.value <= 0x1fffffffffffffn ? Number(e.value) : e.value }));
  return j;
}
