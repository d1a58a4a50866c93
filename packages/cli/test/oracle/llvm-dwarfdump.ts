// Parsers for llvm-dwarfdump (LLVM 14) output: --debug-line tables and
// rows, --debug-info --show-form DIEs and attributes. They turn the tool's
// text into records; comparisons happen field by field in the tests.

/**
 * A C-escaped string as LLVM's `write_escaped` prints it, unescaped: octal
 * escapes are bytes (of UTF-8 text), so the result is decoded as UTF-8.
 */
export function unescapeC(s: string): string {
  const bytes: number[] = [];
  const text = Buffer.from(s, 'utf8');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== 0x5c) {
      bytes.push(c);
      continue;
    }
    const n = String.fromCharCode(text[++i]!);
    if (n === 'n') bytes.push(10);
    else if (n === 't') bytes.push(9);
    else if (/[0-7]/.test(n)) {
      bytes.push(parseInt(text.subarray(i, i + 3).toString('latin1'), 8));
      i += 2;
    } else bytes.push(n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** One line table of `llvm-dwarfdump --debug-line`. */
export interface LlvmLineTable {
  offset: number;
  version: number;
  includeDirectories: string[];
  fileNames: { index: number; name: string; dirIndex: number }[];
  rows: LlvmRow[];
}

export interface LlvmRow {
  address: bigint;
  line: number;
  column: number;
  file: number;
  isa: number;
  discriminator: number;
  flags: Set<string>;
}

/** Parses `llvm-dwarfdump --debug-line` output. */
export function parseDebugLine(text: string): LlvmLineTable[] {
  const tables: LlvmLineTable[] = [];
  let t: LlvmLineTable | undefined;
  let file: { index: number; name: string; dirIndex: number } | undefined;
  for (const line of text.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^debug_line\[0x([0-9a-f]+)\]/))) {
      t = { offset: parseInt(m[1]!, 16), version: 0, includeDirectories: [], fileNames: [], rows: [] };
      tables.push(t);
      continue;
    }
    if (!t) continue;
    if ((m = line.match(/^\s+version: (\d+)/))) t.version = Number(m[1]);
    else if ((m = line.match(/^include_directories\[\s*(\d+)\] = "(.*)"$/))) t.includeDirectories[Number(m[1])] = unescapeC(m[2]!);
    else if ((m = line.match(/^file_names\[\s*(\d+)\]:/))) {
      file = { index: Number(m[1]), name: '', dirIndex: 0 };
      t.fileNames.push(file);
    } else if (file && (m = line.match(/^\s+name: "(.*)"$/))) file.name = unescapeC(m[1]!);
    else if (file && (m = line.match(/^\s+dir_index: (\d+)/))) file.dirIndex = Number(m[1]);
    else if ((m = line.match(/^0x([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/))) {
      t.rows.push({
        address: BigInt('0x' + m[1]),
        line: Number(m[2]),
        column: Number(m[3]),
        file: Number(m[4]),
        isa: Number(m[5]),
        discriminator: Number(m[6]),
        flags: new Set(m[7]!.trim().split(/\s+/).filter(Boolean)),
      });
    }
  }
  return tables;
}

/** One attribute of `llvm-dwarfdump --debug-info --show-form`. */
export interface LlvmAttr {
  name: string;
  form: string;
  /** The text between the parentheses, lists spanning several lines joined with '\n'. */
  value: string;
}

export interface LlvmDie {
  offset: number;
  depth: number;
  /** `DW_TAG_…`, or null for a NULL entry. */
  tag: string | null;
  attrs: LlvmAttr[];
}

export interface LlvmUnit {
  offset: number;
  dies: LlvmDie[];
}

/** Parses `llvm-dwarfdump --debug-info --show-form` output. */
export function parseDebugInfo(text: string): LlvmUnit[] {
  const units: LlvmUnit[] = [];
  let unit: LlvmUnit | undefined;
  let die: LlvmDie | undefined;
  let attr: LlvmAttr | undefined;
  const close = () => {
    if (attr) {
      // The value ends at the attribute's closing parenthesis.
      if (attr.value.endsWith(')')) attr.value = attr.value.slice(0, -1);
      attr = undefined;
    }
  };
  for (const line of text.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^0x([0-9a-f]+): [A-Za-z ]*Unit: /))) {
      close();
      unit = { offset: parseInt(m[1]!, 16), dies: [] };
      units.push(unit);
      die = undefined;
      continue;
    }
    if ((m = line.match(/^0x([0-9a-f]+):( +)(DW_TAG_\w+|NULL)$/))) {
      close();
      die = { offset: parseInt(m[1]!, 16), depth: (m[2]!.length - 1) / 2, tag: m[3] === 'NULL' ? null : m[3]!, attrs: [] };
      unit?.dies.push(die);
      continue;
    }
    if ((m = line.match(/^\s+(DW_AT_\w+) \[(DW_FORM_\w+)\]\t\((.*)$/))) {
      close();
      attr = { name: m[1]!, form: m[2]!, value: m[3]! };
      die?.attrs.push(attr);
      continue;
    }
    if (line.trim() === '') {
      close();
      continue;
    }
    if (attr) attr.value += '\n' + line.trim();
  }
  close();
  return units;
}

/** One operation of an expression as llvm-dwarfdump prints it: name and operand tokens. */
export interface LlvmOp {
  name: string;
  tokens: string[];
  nested?: LlvmOp[];
}

/** Splits an expression's text (`DW_OP_breg7 RSP+8, DW_OP_deref`) into operations. */
export function parseOps(text: string): LlvmOp[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && c === '(') depth++;
    if (!quoted && c === ')') depth--;
    if (!quoted && depth === 0 && c === ',' && text[i + 1] === ' ') {
      parts.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += c;
  }
  if (cur.trim()) parts.push(cur);
  return parts.map((p) => {
    p = p.trim();
    const nest = p.match(/^(DW_OP_\w+)\((.*)\)$/);
    if (nest) return { name: nest[1]!, tokens: [], nested: parseOps(nest[2]!) };
    const name = p.match(/^(DW_OP_\w+|<decoding error>)/)?.[1] ?? p;
    const rest = p.slice(name.length).trim();
    // Tokens: `(0x0000002a) "name"` (base type), numbers, register names.
    const tokens = rest.match(/\(0x[0-9a-f]+\)( "[^"]*")?|"[^"]*"|\S+/g) ?? [];
    return { name, tokens };
  });
}

/** `[0x…, 0x…)` range lines of a list. */
export function parseRanges(lines: string[]): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (const l of lines) {
    const m = l.match(/^\[0x([0-9a-f]+), 0x([0-9a-f]+)\)/);
    if (m) out.push([BigInt('0x' + m[1]), BigInt('0x' + m[2])]);
  }
  return out;
}
