import { CliError } from '../errors.js';

/** The cosign binary: `$ELFKIT_COSIGN`, else `cosign` on PATH. */
export function cosignCommand(env: Record<string, string | undefined> = process.env): string {
  return env.ELFKIT_COSIGN || 'cosign';
}

/** What cosign said. */
export interface CosignRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The line of cosign's output that says what went wrong (`Error: …`), without the prefix. */
export function cosignReason(run: CosignRun): string {
  const lines = run.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const err = lines.find((l) => l.startsWith('Error: ')) ?? lines.find((l) => l.startsWith('error during command execution: ')) ?? lines[lines.length - 1] ?? `exit status ${run.exitCode}`;
  return err.replace(/^(Error|error during command execution): /, '');
}

/**
 * Runs cosign with `args` (stdin stays the terminal, for a key password
 * prompt when COSIGN_PASSWORD is unset). A missing cosign is a CliError.
 */
export async function runCosign(args: string[]): Promise<CosignRun> {
  const cmd = cosignCommand();
  // Loaded on use: execa's module graph would slow every other command's start-up.
  const { execa } = await import('execa');
  try {
    const r = await execa(cmd, args, { reject: false, stdin: 'inherit', stripFinalNewline: false });
    if (r.failed && r.exitCode === undefined) throw Object.assign(new Error(r.message), { code: (r as { code?: string }).code });
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || /ENOENT/.test(String((e as Error).message))) {
      throw new CliError(`cosign not found (${cmd}): install cosign or set ELFKIT_COSIGN to its path`);
    }
    throw e;
  }
}

/**
 * Signing flags that keep cosign offline: no transparency-log upload and,
 * on cosign 3, no signing config fetched from the TUF root. cosign 2
 * lacks --use-signing-config; `runOffline` retries without it.
 */
const V3_ONLY = '--use-signing-config=false';

/** Runs a signing subcommand offline on cosign 3, falling back to cosign 2's flags. */
export async function runOffline(sub: string, args: string[]): Promise<CosignRun> {
  const r = await runCosign([sub, V3_ONLY, '--tlog-upload=false', ...args]);
  if (r.exitCode !== 0 && /unknown flag: --use-signing-config/.test(r.stderr)) return runCosign([sub, '--tlog-upload=false', ...args]);
  return r;
}
