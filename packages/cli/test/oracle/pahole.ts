// pahole (Debian bookworm's `pahole` 1.24, fetched with scripts/fetch-deb.sh
// into .cache/, never installed) and a parser of what it prints: each
// struct, class or union with its size and its member lines, nested
// anonymous types expanded as pahole expands them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@elfkit/fixtures';

let paholeCmd: { bin: string; env: NodeJS.ProcessEnv } | string | undefined;

/** pahole with its libraries, or the reason it cannot be had. */
export function pahole(): { bin: string; env: NodeJS.ProcessEnv } | string {
  if (paholeCmd !== undefined) return paholeCmd;
  // libbpf1, libdw1 and libelf1 come along: fetch-deb.sh resolves no dependencies.
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'fetch-deb.sh'), 'bookworm', 'pahole', 'libbpf1', 'libdw1', 'libelf1'], { encoding: 'utf8' });
  const root = r.status === 0 ? String(r.stdout).trim().split('\n').pop() : undefined;
  if (!root || !existsSync(join(root, 'usr', 'bin', 'pahole'))) {
    paholeCmd = `cannot fetch pahole from Debian bookworm: ${String(r.stderr).trim().split('\n').pop()}`;
    return paholeCmd;
  }
  const libs = readdirSync(join(root, 'usr', 'lib'))
    .filter((d) => d.endsWith('-linux-gnu'))
    .map((d) => join(root, 'usr', 'lib', d));
  paholeCmd = { bin: join(root, 'usr', 'bin', 'pahole'), env: { ...process.env, LD_LIBRARY_PATH: libs.join(':') } };
  return paholeCmd;
}

const outputs = new Map<string, string | undefined>();

/** Runs pahole on `file` (extra arguments first), once per file and arguments; stdout, or undefined when it fails. */
export function runPahole(file: string, args: string[] = []): string | undefined {
  const p = pahole();
  if (typeof p === 'string') return undefined;
  const key = [...args, file].join('\0');
  if (!outputs.has(key)) {
    const r = spawnSync(p.bin, [...args, file], { encoding: 'utf8', env: p.env, maxBuffer: 1 << 30 });
    outputs.set(key, r.status === 0 ? String(r.stdout) : undefined);
  }
  return outputs.get(key);
}

/** One member line: its depth (1 = a member of the struct), name, offset, size, and for a bit field its width and bit in the storage unit. */
export interface PaholeMember {
  depth: number;
  /** The member's name; `}` + name for the end of an expanded anonymous type; `<ancestor>` for a base class. */
  name: string;
  offset: number;
  size: number;
  bitSize?: number;
  bitInUnit?: number;
}

/** One struct, class or union as pahole printed it. */
export interface PaholeType {
  kind: string;
  name: string;
  size: number;
  members: PaholeMember[];
  /** The lines between the braces other than member lines (holes, padding, cache lines, summary). */
  notes: string[];
}

const HEADER = /^(struct|union|class) (.*?)(?: : .*)? \{$/;
const MEMBER = /^(\t+)(.*?)\s*\/\*\s*(\d+)(?::\s*(\d+))?\s+(\d+)\s*\*\/$/;

/** The member's name from what precedes its comment: `int x;`, `void (*cb)(int, ...);`, `char tail[];`, `unsigned a:3;`, `} u;`. */
function memberName(body: string): { name: string; bitSize?: number } {
  if (body.startsWith('/* ') && body.includes('<ancestor>')) return { name: '<ancestor>' };
  const b = body.replace(/;$/, '');
  if (b.startsWith('}')) return { name: b.replace(/(\[\d*\])+$/, '') };
  const fp = /\(\*+(\w+)\)\(.*\)$/.exec(b);
  if (fp) return { name: fp[1]! };
  const last = b.split(/\s+/).pop() ?? '';
  const bits = /^(.*):(\d+)$/.exec(last);
  const name = (bits ? bits[1]! : last).replace(/(\[\d*\])+$/, '').replace(/^\*+/, '');
  return { name, bitSize: bits ? Number(bits[2]) : undefined };
}

/** Every struct, class and union in pahole's output, by name (the first of each name, as pahole prints each once). */
export function parsePahole(text: string): Map<string, PaholeType> {
  const out = new Map<string, PaholeType>();
  let cur: PaholeType | undefined;
  // Members collected when each expanded anonymous type opened: a block that
  // closes without an offset comment was a nested type's definition (clang
  // nests the anonymous types of members inside the struct), not a member.
  const open: number[] = [];
  for (const line of text.split('\n')) {
    if (!cur) {
      const h = HEADER.exec(line);
      if (h) cur = { kind: h[1]!, name: h[2]!, size: -1, members: [], notes: [] };
      open.length = 0;
      continue;
    }
    if (/^\t+(struct|union|class) \{$/.test(line)) {
      open.push(cur.members.length);
      continue;
    }
    if (/^\t+\};$/.test(line)) {
      cur.members.length = open.pop() ?? cur.members.length;
      continue;
    }
    if (line === '};' || line.startsWith('} __attribute__')) {
      if (!out.has(cur.name)) out.set(cur.name, cur);
      cur = undefined;
      continue;
    }
    const m = MEMBER.exec(line);
    if (m && m[2]!.startsWith('}')) open.pop();
    if (m && (!m[2]!.startsWith('/*') || m[2]!.includes('<ancestor>'))) {
      const { name, bitSize } = memberName(m[2]!);
      cur.members.push({ depth: m[1]!.length, name, offset: Number(m[3]), size: Number(m[5]), bitSize, bitInUnit: m[4] !== undefined ? Number(m[4]) : undefined });
      continue;
    }
    const size = /^\t\/\* size: (\d+),/.exec(line);
    if (size) cur.size = Number(size[1]);
    if (line.trim()) cur.notes.push(line.trim());
  }
  return out;
}
