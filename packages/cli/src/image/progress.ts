import type { ScanProgress } from '@elfkit/image';

/** A progress reporter: `update` as layers stream, `stop` at the end. */
export interface Progress {
  update(p: ScanProgress): void;
  stop(): void;
}

/** How long a scan runs before it gets a bar: a quicker one is over before a bar would help (ELFKIT_PROGRESS_DELAY_MS overrides it). */
const DELAY_MS = Number(process.env.ELFKIT_PROGRESS_DELAY_MS ?? 300);

type Bar = { start(total: number, value: number, payload: object): void; update(value: number, payload: object): void; stop(): void };

/**
 * A progress bar on standard error when it is a terminal (cli-progress,
 * loaded only then); nothing when piped or redirected, or with
 * ELFKIT_NO_PROGRESS set. The bar appears once the scan has run for
 * {@link DELAY_MS}: until then standard error is not even looked at, as
 * asking whether it is a terminal makes Node load its socket or tty
 * stream modules, milliseconds that a scan of a small image would spend
 * on a bar it never shows.
 */
export async function scanProgress(label: string): Promise<Progress> {
  const since = Date.now();
  let decided = false;
  let stopped = false;
  let bar: Bar | undefined;
  let last: ScanProgress | undefined;
  const payload = (p: ScanProgress) => ({ layer: p.layer + 1, layers: p.layers, mb: (p.storedBytes / 1e6).toFixed(1), elf: p.elfFiles });
  const show = (p: ScanProgress) => {
    const total = p.storedTotal ?? 0;
    bar!.update(total ? Math.min(p.storedBytes, total) : 0, payload(p));
  };
  const start = async () => {
    const { default: cliProgress } = await import('cli-progress');
    if (stopped) return;
    bar = new cliProgress.SingleBar(
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
    bar.start(Math.max(1, last!.storedTotal ?? 0), 0, payload(last!));
    show(last!);
  };
  return {
    update(p) {
      last = p;
      if (bar) return show(p);
      if (decided || Date.now() - since < DELAY_MS) return;
      decided = true;
      if (process.stderr.isTTY && !process.env.ELFKIT_NO_PROGRESS) void start();
    },
    stop() {
      stopped = true;
      bar?.stop();
    },
  };
}
