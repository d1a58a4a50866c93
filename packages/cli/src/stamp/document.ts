import type { BinaryFacts } from './binary.js';
import type { CiFacts } from './ci.js';
import type { GitFacts } from './git.js';
import { STAMP_TYPE, isStamp as isStampRecord } from '@elfkit/elf/stamp';
import { isoTime } from '@elfkit/binary';

export { STAMP_TYPE };

/** Version of the stamp document's schema (docs/json-stamp.md). */
export const STAMP_SCHEMA_VERSION = 1;

/** The build stamp document (docs/json-stamp.md). */
export interface StampDocument {
  type: typeof STAMP_TYPE;
  schemaVersion: number;
  git: GitFacts | null;
  build: { time: string; timeSource: 'SOURCE_DATE_EPOCH' | 'clock' };
  ci: CiFacts | null;
  binary: BinaryFacts;
  extra: Record<string, string>;
}

/** Build time from SOURCE_DATE_EPOCH (reproducible builds) or the clock. */
export function buildTime(env: Record<string, string | undefined>, now = Date.now()): StampDocument['build'] {
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== '') {
    if (!/^\d+$/.test(sde)) throw new Error(`SOURCE_DATE_EPOCH=${sde} is not a number of seconds`);
    return { time: isoTime(Number(sde) * 1000), timeSource: 'SOURCE_DATE_EPOCH' };
  }
  return { time: isoTime(Math.floor(now / 1000) * 1000), timeSource: 'clock' };
}

/** Assembles the document; keys in a fixed order so equal facts give equal bytes. */
export function stampDocument(facts: { git: GitFacts | null; build: StampDocument['build']; ci: CiFacts | null; binary: BinaryFacts; extra: Record<string, string> }): StampDocument {
  const extra: Record<string, string> = {};
  for (const k of Object.keys(facts.extra).sort()) extra[k] = facts.extra[k]!;
  return { type: STAMP_TYPE, schemaVersion: STAMP_SCHEMA_VERSION, git: facts.git, build: facts.build, ci: facts.ci, binary: facts.binary, extra };
}

/** `--set key=value` pairs; later keys win. */
export function parseSetPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`--set ${JSON.stringify(p)}: expected key=value`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/** True when `v` is an elfkit stamp document (any schema version). */
export function isStamp(v: unknown): v is StampDocument {
  return isStampRecord(v);
}
