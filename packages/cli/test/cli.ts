/** Runs the built CLI bundle (what users run) and captures its output. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@elfkit/fixtures';

/** The built CLI bundle (`pnpm build` makes it). */
export const ELFKIT = join(repoRoot, 'packages', 'cli', 'dist', 'elfkit.mjs');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export interface CliOptions {
  /** Bytes for standard input. */
  input?: Uint8Array;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs elfkit. uvu sets FORCE_COLOR in the test process and the test script
 * sets NO_COLOR; together they make Node warn on stderr, which the one-line
 * error checks would trip on, so children get only NO_COLOR.
 */
export function elfkit(args: readonly string[], options: CliOptions = {}): CliResult {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  // A hung child fails its test after ten minutes instead of stalling the suite (one was seen once, under heavy load).
  const r = spawnSync(process.execPath, [ELFKIT, ...args], { input: options.input, cwd: options.cwd, maxBuffer: 1 << 30, env, timeout: 600_000, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`elfkit ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
}

/** Runs with `--json` and parses stdout. */
export function elfkitJson<T = any>(args: readonly string[], options?: CliOptions): T {
  const r = elfkit([...args, '--json'], options);
  if (r.status !== 0) throw new Error(`elfkit ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
