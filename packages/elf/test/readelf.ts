/**
 * Parsers of GNU readelf -W output into records, for oracle tests. Each
 * parser reads the fixed-format columns readelf prints and returns fields,
 * so tests compare values, not text.
 */
import { run, which } from '@elfkit/fixtures';

export const READELF = which('readelf');

export function readelf(args: string[], file: string): string {
  const r = run('readelf', [...args, file], { env: { ...process.env, LC_ALL: 'C' } });
  return r.stdout;
}

export interface RSection {
  index: number;
  nameAndType: string;
  address: bigint;
  offset: number;
  size: number;
  entsize: number;
  flags: string;
  link: number;
  info: number;
  align: number;
}

export function parseSections(text: string): RSection[] {
  const out: RSection[] = [];
  const re = /^\s*\[\s*(\d+)\]\s(.*?)\s+([0-9a-f]{8,16})\s+([0-9a-f]{6,})\s+([0-9a-f]{6,})\s+([0-9a-f]{2,})\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    out.push({
      index: Number(m[1]),
      nameAndType: m[2]!.trim().replace(/\s+/g, ' '),
      address: BigInt('0x' + m[3]),
      offset: parseInt(m[4]!, 16),
      size: parseInt(m[5]!, 16),
      entsize: parseInt(m[6]!, 16),
      flags: m[7]!,
      link: Number(m[8]),
      info: Number(m[9]),
      align: Number(m[10]),
    });
  }
  return out;
}

export interface RSegment {
  type: string;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: bigint;
  flags: string;
  align: bigint;
}

export function parseSegments(text: string): { segments: RSegment[]; mapping: string[][] } {
  const segments: RSegment[] = [];
  const mapping: string[][] = [];
  const re = /^\s+(\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s([R ][W ][E ])\s0x([0-9a-f]+)$/;
  let inMap = false;
  for (const line of text.split('\n')) {
    if (line.includes('Section to Segment mapping')) {
      inMap = true;
      continue;
    }
    if (inMap) {
      const mm = /^\s{3}(\d\d+)\s{5}(.*)$/.exec(line);
      if (mm) mapping[Number(mm[1])] = mm[2]!.trim() === '' ? [] : mm[2]!.trim().split(/\s+/);
      continue;
    }
    const m = re.exec(line);
    if (!m) continue;
    segments.push({
      type: m[1]!,
      offset: parseInt(m[2]!, 16),
      vaddr: BigInt('0x' + m[3]),
      paddr: BigInt('0x' + m[4]),
      filesz: parseInt(m[5]!, 16),
      memsz: BigInt('0x' + m[6]),
      flags: m[7]!,
      align: BigInt('0x' + m[8]),
    });
  }
  return { segments, mapping };
}

export interface RSymbol {
  index: number;
  value: bigint;
  size: bigint;
  type: string;
  bind: string;
  vis: string;
  ndx: string;
  name: string;
}

export function parseSymbols(text: string): Map<string, RSymbol[]> {
  const tables = new Map<string, RSymbol[]>();
  let cur: RSymbol[] | undefined;
  const re = /^\s*(\d+):\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s(\S+)\s+(\S+)\s+(\S+)(?:\s+\[[^\]]*\])?\s+(UND|ABS|COM|\d+|[A-Z]{3}\[0x[0-9a-f]{4}\]|OS \[0x[0-9a-f]{4}\]|LARGE_COM|SCOM|SUND|ANSI_COM|bad section index\[\s*\d+\])(?: (.*))?$/;
  for (const line of text.split('\n')) {
    const t = /^Symbol table '(.*)' contains \d+ entr/.exec(line);
    if (t) {
      cur = [];
      tables.set(t[1]!, cur);
      continue;
    }
    const m = re.exec(line);
    if (!m || !cur) continue;
    cur.push({
      index: Number(m[1]),
      value: BigInt('0x' + m[2]),
      size: BigInt(m[3]!),
      type: m[4]!,
      bind: m[5]!,
      vis: m[6]!,
      ndx: m[7]!,
      name: m[8] ?? '',
    });
  }
  return tables;
}

export interface RNote {
  where: string;
  owner: string;
  size: number;
  type: string;
  content: string;
}

export function parseNotes(text: string): RNote[] {
  const out: RNote[] = [];
  let where = '';
  for (const line of text.split('\n')) {
    const w = /^Displaying notes found (?:in: (.*)|at file offset (0x[0-9a-f]+))/.exec(line);
    if (w) {
      where = w[1] ?? w[2]!;
      continue;
    }
    const m = /^  (\S.*?)\s+0x([0-9a-f]{8})\t([^\t]*)(?:\t\s*(.*))?$/.exec(line);
    if (m) {
      out.push({ where, owner: m[1]!, size: parseInt(m[2]!, 16), type: m[3]!.trim(), content: (m[4] ?? '').trim() });
      continue;
    }
    // Continuation lines of a note's content (GNU properties) start with a tab.
    if (line.startsWith('\t') && out.length) out[out.length - 1]!.content += '\n' + line.trim();
  }
  return out;
}

export interface RDynamic {
  tag: bigint;
  name: string;
  value: string;
}

export function parseDynamic(text: string): RDynamic[] | undefined {
  if (/There is no dynamic section/.test(text) || !/Dynamic section at offset/.test(text)) return undefined;
  const out: RDynamic[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*0x([0-9a-f]+)\s+\((.+?)\)\s+(.*)$/.exec(line);
    if (m) out.push({ tag: BigInt('0x' + m[1]), name: m[2]!, value: m[3]!.trim() });
  }
  return out;
}

export interface RReloc {
  offset: bigint;
  info?: bigint;
  type?: string;
  type2?: string;
  type3?: string;
  symbol?: string;
  symbolValue?: bigint;
  addend?: bigint;
}

export interface RRelocTable {
  section: string;
  count: number;
  relocs: RReloc[];
}

export function parseRelocs(text: string): RRelocTable[] {
  const tables: RRelocTable[] = [];
  let cur: RRelocTable | undefined;
  for (const line of text.split('\n')) {
    const t = /^Relocation section '(.*)' at offset 0x[0-9a-f]+ contains (\d+) entr/.exec(line);
    if (t) {
      cur = { section: t[1]!, count: Number(t[2]), relocs: [] };
      tables.push(cur);
      continue;
    }
    if (!cur) continue;
    const t2 = /^\s+Type([23]): (\S+)/.exec(line);
    if (t2) {
      const last = cur.relocs[cur.relocs.length - 1]!;
      if (t2[1] === '2') last.type2 = t2[2];
      else last.type3 = t2[2];
      continue;
    }
    const relr = /^([0-9a-f]{8,16})$/.exec(line);
    if (relr) {
      cur.relocs.push({ offset: BigInt('0x' + relr[1]) });
      continue;
    }
    const m = /^([0-9a-f]{8,16})\s+([0-9a-f]{8,16})\s+(unrecognized: [0-9a-f]+|\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[4]!.trim();
    const r: RReloc = { offset: BigInt('0x' + m[1]), info: BigInt('0x' + m[2]), type: m[3]!.replace(/\s+$/, '') };
    if (/^unrecognized:/.test(r.type!)) r.type = m[3]!;
    // "<value> <name> + <addend>" | "<value> <name> - <addend>" | "<value> <name>" | "<addend>" | ""
    const sym = /^([0-9a-f]{8,16})\s+(.*?)(?:\s([+-])\s([0-9a-f]+))?$/.exec(rest);
    if (sym) {
      r.symbolValue = BigInt('0x' + sym[1]);
      r.symbol = sym[2]!;
      if (sym[3]) r.addend = (sym[3] === '-' ? -1n : 1n) * BigInt('0x' + sym[4]);
    } else if (/^[0-9a-f]+$/.test(rest)) {
      r.addend = BigInt('0x' + rest);
    } else if (/^-[0-9a-f]+$/.test(rest)) {
      r.addend = -BigInt('0x' + rest.slice(1));
    }
    cur.relocs.push(r);
  }
  return tables;
}
