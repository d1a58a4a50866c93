import type { ScanProgress } from '@elfkit/image';

/** A progress reporter: `update` as layers stream, `stop` at the end. */
export interface Progress {
  update(p: ScanProgress): void;
  stop(): void;
}

const quiet: Progress = { update() {}, stop() {} };

/**
 * A progress bar on standard error when it is a terminal (cli-progress,
 * loaded only then); nothing when piped or redirected, or with
 * ELFKIT_NO_PROGRESS set.
 */
export async function scanProgress(label: string): Promise<Progress> {
  if (!process.stderr.isTTY || process.env.ELFKIT_NO_PROGRESS) return quiet;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} {bar} {percentage}% | layer {layer}/{layers} | {mb} MB | {elf} ELF files`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const total = p.storedTotal ?? 0;
      const payload = { layer: p.layer + 1, layers: p.layers, mb: (p.storedBytes / 1e6).toFixed(1), elf: p.elfFiles };
      if (!started) {
        bar.start(Math.max(1, total), 0, payload);
        started = true;
      }
      bar.update(total ? Math.min(p.storedBytes, total) : 0, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
