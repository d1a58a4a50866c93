// Parsers for GNU readelf 2.40 --debug-dump output, the second oracle:
// for inputs LLVM 14 cannot read (zstd-compressed sections) and for the
// expression operands of relocatable objects, which readelf relocates and
// llvm-dwarfdump 14 does not.

/** A row of `readelf -W --debug-dump=decodedline`. */
export interface ReadelfLineRow {
  file: string;
  /** null for an end-of-sequence row (printed `-`). */
  line: number | null;
  address: bigint;
  isStmt: boolean;
}

/** Parses `readelf -W --debug-dump=decodedline` rows. */
export function parseDecodedLine(text: string): ReadelfLineRow[] {
  const rows: ReadelfLineRow[] = [];
  for (const l of text.split('\n')) {
    const m = l.match(/^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?(\s+x)?\s*$/);
    if (!m) continue;
    rows.push({ file: m[1]!, line: m[2] === '-' ? null : Number(m[2]), address: BigInt(m[3]!), isStmt: !!m[4] });
  }
  return rows;
}

/** A DIE of `readelf --debug-dump=info`. */
export interface ReadelfDie {
  offset: number;
  depth: number;
  /** null for a null entry (`Abbrev Number: 0`). */
  tag: string | null;
  attrs: { name: string; value: string }[];
}

/** Parses `readelf --debug-dump=info` DIEs. */
export function parseReadelfInfo(text: string): ReadelfDie[] {
  const dies: ReadelfDie[] = [];
  let die: ReadelfDie | undefined;
  for (const l of text.split('\n')) {
    let m = l.match(/^ <(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((DW_TAG_\w+)\))?/);
    if (m) {
      die = { offset: parseInt(m[2]!, 16), depth: Number(m[1]), tag: m[3] === '0' ? null : (m[4] ?? `unknown`), attrs: [] };
      dies.push(die);
      continue;
    }
    m = l.match(/^\s+<[0-9a-f]+>\s+(DW_AT_\w+)\s*: (.*)$/);
    if (m && die) die.attrs.push({ name: m[1]!, value: m[2]! });
  }
  return dies;
}

/** The string value readelf shows for a string attribute (after `(indirect … string, offset: 0x…): `). */
export function readelfString(value: string): string {
  const m = value.match(/^\((?:indirect|indexed) (?:line )?string, (?:offset|index): (?:0x[0-9a-f]+|\d+)(?:, offset: (?:0x[0-9a-f]+|\d+))?\): (.*)$/);
  return m ? m[1]! : value;
}

/** The DW_OP_addr operands of each expression readelf decodes, by the text before them (an attribute or a list entry). */
export function readelfAddrOperands(value: string): bigint[] {
  return [...value.matchAll(/DW_OP_addr: ([0-9a-f]+)/g)].map((m) => BigInt('0x' + m[1]));
}

/**
 * The entries of readelf's location list dump (`--debug-dump=loc`):
 * begin, end and the DW_OP_addr operands of the entry's expression.
 */
export function parseReadelfLocAddrs(text: string): { begin: bigint; end: bigint; addrs: bigint[] }[] {
  const out: { begin: bigint; end: bigint; addrs: bigint[] }[] = [];
  for (const l of text.split('\n')) {
    const m = l.match(/^\s+(?:[0-9a-f]+\s+)?(?:v[0-9a-f]+\s+)?([0-9a-f]{8,16}) ([0-9a-f]{8,16}) \((.*)\)\s*$/);
    if (m) out.push({ begin: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), addrs: readelfAddrOperands(m[3]!) });
  }
  return out;
}
