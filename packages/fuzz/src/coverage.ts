import { Session } from 'node:inspector';

/**
 * Coverage feedback from V8's own block coverage, through the inspector
 * protocol in this thread (Jazzer.js, which instruments code, does not
 * load on every glibc; V8 needs no instrumentation). Precise coverage in
 * binary mode resets on every take, so a take reports what ran since the
 * last one: the functions that ran, and inside each the blocks that did
 * not. Features are the functions and blocks that ran, in the scripts that
 * `include` accepts (the parsers, not the harness).
 */
export class Coverage {
  private readonly session = new Session();
  /** Every feature seen so far. */
  private readonly seen = new Set<string>();
  /** Per function: the blocks known to exist (learned when they were once skipped). */
  private readonly blocks = new Map<string, Set<string>>();

  constructor(private readonly include: (url: string) => boolean) {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: false, detailed: true });
  }

  /** Features found so far. */
  get size(): number {
    return this.seen.size;
  }

  private post(method: string, params?: object): any {
    let result: unknown;
    let error: Error | null = null;
    // A session in the same thread answers synchronously.
    this.session.post(method, params, (e, r) => {
      error = e;
      result = r;
    });
    if (error) throw error;
    return result;
  }

  /** The features of everything that ran since the last take. */
  take(): string[] {
    const out: string[] = [];
    const res = this.post('Profiler.takePreciseCoverage') as { result: { url: string; functions: { ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[] };
    for (const script of res.result) {
      if (!this.include(script.url)) continue;
      for (const fn of script.functions) {
        const [whole, ...inner] = fn.ranges;
        if (!whole || whole.count === 0) continue;
        const id = `${script.url}:${whole.startOffset}`;
        out.push(id);
        let known = this.blocks.get(id);
        const skipped = new Set<string>();
        for (const r of inner) {
          if (r.count !== 0) continue;
          const b = `${r.startOffset}-${r.endOffset}`;
          skipped.add(b);
          if (!known) this.blocks.set(id, (known = new Set()));
          known.add(b);
        }
        if (known) for (const b of known) if (!skipped.has(b)) out.push(`${id}/${b}`);
      }
    }
    return out;
  }

  /** True when `features` has one not seen before (without recording it). */
  hasNew(features: readonly string[]): boolean {
    for (const f of features) if (!this.seen.has(f)) return true;
    return false;
  }

  /** Records `features`; returns how many were new. */
  commit(features: readonly string[]): number {
    let n = 0;
    for (const f of features) {
      if (this.seen.has(f)) continue;
      this.seen.add(f);
      n++;
    }
    return n;
  }

  close(): void {
    try {
      this.post('Profiler.stopPreciseCoverage');
    } finally {
      this.session.disconnect();
    }
  }
}

/** The scripts whose coverage counts: elfkit's packages other than the harness, and the decompressors they call. */
export function parserScripts(url: string): boolean {
  return (/\/packages\/[^/]+\/dist\//.test(url) && !url.includes('/packages/fuzz/')) || /\/node_modules\/(\.pnpm\/)?(fflate|fzstd)[@/]/.test(url);
}
