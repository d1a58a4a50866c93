import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { cacheDir } from '@elfkit/fixtures';
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

/** A regression's input bytes. */
export function regressionInput(r: Regression): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(join(regressionsDir, r.file))));
}

/** Moves a stored finding into the kept regressions, `fix` saying where it was fixed and why it failed. */
export function keepFinding(f: StoredFinding & { path: string }, fix: string): Regression {
  const all = regressions();
  const bytes = readFileSync(f.path);
  let file = `${f.target}/${f.file}`;
  // Findings named before inputs had their hash in the name can collide with a kept one.
  if (existsSync(join(regressionsDir, file)) && !readFileSync(join(regressionsDir, file)).equals(bytes)) file = file.replace(/\.gz$/, `-${signatureId(bytes.toString('latin1')).slice(0, 6)}.gz`);
  const r: Regression = { target: f.target, seed: f.seed, file, found: `${f.kind}: ${f.message.split('\n')[0]}`, fix };
  mkdirSync(join(regressionsDir, f.target), { recursive: true });
  writeFileSync(join(regressionsDir, file), bytes);
  for (const ext of ['.gz', '.orig.gz', '.json']) rmSync(f.path.replace(/\.gz$/, ext), { force: true });
  const rest = all.filter((x) => x.file !== file);
  writeFileSync(join(regressionsDir, 'index.json'), JSON.stringify({ regressions: [...rest, r].sort((a, b) => a.file.localeCompare(b.file)) }, null, 2) + '\n');
  return r;
}
