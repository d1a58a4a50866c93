import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { cacheDir, fixturePath, fixtures } from '@elfkit/fixtures';
import { signatureId, type Finding } from './finding.js';

/** Where failing inputs found by `pnpm fuzz` are written (ignored by git). */
export const findingsDir = join(cacheDir, 'fuzz', 'findings');

/** The committed regression inputs: every input that ever failed, minimized. */
export const regressionsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'regressions');

/** One kept regression input (regressions/index.json). */
export interface Regression {
  readonly target: string;
  /** The seed that supplies the rest of the file. */
  readonly seed: string;
  /** Path under regressions/ of the gzipped input. */
  readonly file: string;
  /** How it failed when found. */
  readonly found: string;
  /** Where it was fixed and why it failed. */
  readonly fix: string;
}

/** A finding written to the findings folder, with the metadata to replay or keep it. */
export interface StoredFinding extends Omit<Finding, 'input' | 'minimized'> {
  readonly file: string;
  readonly size: number;
  readonly minimizedSize: number;
}

/** Writes `f` (its minimized input, or the input) under the findings folder; returns the file. */
export function saveFinding(f: Finding, dir = findingsDir): string {
  const bytes = f.minimized ?? f.input;
  // The signature groups failures; the input's hash keeps two inputs of one signature (every `heap` finding shares one) apart.
  const id = `${f.kind}-${signatureId(f.signature)}-${signatureId(Buffer.from(bytes).toString('latin1')).slice(0, 6)}`;
  const d = join(dir, f.target);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, `${id}.gz`), gzipSync(bytes));
  if (f.minimized) writeFileSync(join(d, `${id}.orig.gz`), gzipSync(f.input));
  const meta: StoredFinding = { target: f.target, kind: f.kind, signature: f.signature, message: f.message, stack: f.stack, seed: f.seed, file: `${id}.gz`, size: f.input.length, minimizedSize: bytes.length };
  writeFileSync(join(d, `${id}.json`), JSON.stringify(meta, null, 2) + '\n');
  return join(d, `${id}.gz`);
}

/** Every finding in the findings folder. */
export function storedFindings(dir = findingsDir): (StoredFinding & { path: string })[] {
  if (!existsSync(dir)) return [];
  const out: (StoredFinding & { path: string })[] = [];
  for (const t of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, t))) {
      if (!f.endsWith('.json')) continue;
      const meta = JSON.parse(readFileSync(join(dir, t, f), 'utf8')) as StoredFinding;
      out.push({ ...meta, path: join(dir, t, meta.file) });
    }
  }
  return out;
}

/** The kept regressions. */
export function regressions(): Regression[] {
  const p = join(regressionsDir, 'index.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { regressions: Regression[] }).regressions : [];
}

/**
 * A whole-file input kept as the changes it makes to a fixture: a
 * 1.3 MB Go binary damaged in 19 bytes is kept as those 19 bytes.
 */
interface Patch {
  readonly base: string;
  readonly length: number;
  /** Runs of changed bytes: offset and hex. */
  readonly changes: readonly (readonly [number, string])[];
}

/** `input` as a patch of fixture `base`, when it is one of few changes (undefined otherwise). */
function asPatch(input: Uint8Array, base: string): Patch | undefined {
  if (!fixtures().some((f) => f.name === base)) return undefined;
  const orig = new Uint8Array(readFileSync(fixturePath(base)));
  if (input.length > orig.length) return undefined;
  const changes: [number, string][] = [];
  for (let i = 0; i < input.length; ) {
    if (input[i] === orig[i]) {
      i++;
      continue;
    }
    let end = i;
    while (end < input.length && (input[end] !== orig[end] || (end + 1 < input.length && input[end + 1] !== orig[end + 1]))) end++;
    changes.push([i, Buffer.from(input.subarray(i, end)).toString('hex')]);
    i = end;
  }
  return changes.length <= 256 ? { base, length: input.length, changes } : undefined;
}

/** A regression's input bytes. */
export function regressionInput(r: Regression): Uint8Array {
  const path = join(regressionsDir, r.file);
  if (!r.file.endsWith('.patch.json')) return new Uint8Array(gunzipSync(readFileSync(path)));
  const p = JSON.parse(readFileSync(path, 'utf8')) as Patch;
  const bytes = new Uint8Array(readFileSync(fixturePath(p.base))).slice(0, p.length);
  for (const [at, hex] of p.changes) bytes.set(Buffer.from(hex, 'hex'), at);
  return bytes;
}

/**
 * Moves a stored finding into the kept regressions, `fix` saying where it
 * was fixed and why it failed; `seed` replaces the seed it is replayed with
 * (for a whole-file target, whose seeds are only starting points, when the
 * one it came from left the target's list).
 */
export function keepFinding(f: StoredFinding & { path: string }, fix: string, seed = f.seed): Regression {
  const all = regressions();
  const bytes = readFileSync(f.path);
  const input = new Uint8Array(gunzipSync(bytes));
  let file = `${f.target}/${f.file}`;
  // Findings named before inputs had their hash in the name can collide with a kept one.
  if (existsSync(join(regressionsDir, file)) && !readFileSync(join(regressionsDir, file)).equals(bytes)) file = file.replace(/\.gz$/, `-${signatureId(bytes.toString('latin1')).slice(0, 6)}.gz`);
  const patch = asPatch(input, f.seed);
  if (patch) file = file.replace(/\.gz$/, '.patch.json');
  const from = seed === f.seed ? '' : ` (from ${f.seed})`;
  const r: Regression = { target: f.target, seed, file, found: `${f.kind}: ${f.message.split('\n')[0]}${from}`, fix };
  mkdirSync(join(regressionsDir, f.target), { recursive: true });
  writeFileSync(join(regressionsDir, file), patch ? JSON.stringify(patch) + '\n' : bytes);
  for (const ext of ['.gz', '.orig.gz', '.json']) rmSync(f.path.replace(/\.gz$/, ext), { force: true });
  const rest = all.filter((x) => x.file !== file);
  writeFileSync(join(regressionsDir, 'index.json'), JSON.stringify({ regressions: [...rest, r].sort((a, b) => a.file.localeCompare(b.file)) }, null, 2) + '\n');
  return r;
}
