/** Runs the built CLI bundle (what users run) and captures its output. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@elfkit/fixtures';

export const ELFKIT = join(repoRoot, 'packages', 'cli', 'dist', 'elfkit.mjs');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export function elfkit(args: string[], input?: Uint8Array): CliResult {
  const r = spawnSync(process.execPath, [ELFKIT, ...args], { input, maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
}

/** Runs with `--json` and parses stdout. */
export function elfkitJson<T = any>(args: string[], input?: Uint8Array): T {
  const r = elfkit([...args, '--json'], input);
  if (r.status !== 0) throw new Error(`elfkit ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
