import type { CreatedBy } from './created-by.js';
import type { Goroutine } from './go-runtime.js';
import { describeWalkStop, type Traceback, type TraceFrame } from './traceback.js';

const hx = (v: bigint | number) => `0x${v.toString(16)}`;

/**
 * The header line the runtime prints for a goroutine at
 * `GOTRACEBACK=crash` (Go 1.23+'s form, `gp=`, `m=` and `mp=` included):
 * `goroutine 18 gp=0xc000007a40 m=nil [chan receive, 2 minutes, locked to thread]:`.
 * The minutes are a lower bound (see {@link Goroutine.waitMinutes}).
 */
export function goroutineHeader(g: Goroutine): string {
  let status = g.waitReason ?? g.statusName;
  if (g.statusName === 'leaked') status += ' (leaked)';
  if (g.scan) status += ' (scan)';
  if (g.waitMinutes !== undefined && g.waitMinutes >= 1) status += `, ${g.waitMinutes} minutes`;
  if (g.lockedToThread) status += ', locked to thread';
  const m = g.m ? `m=${g.m.id} mp=${hx(g.m.address)}` : 'm=nil';
  return `goroutine ${g.id} gp=${hx(g.address)} ${m} [${status}]:`;
}

/**
 * A frame's two lines as the runtime prints them:
 * `main.worker(0x1, {0x2, 0x3?})` and `\tmain.go:15 +0x49 fp=0x… sp=0x… pc=0x…`
 * (an inlined call: `pkg.f(...)` and only its file and line). Frames not on
 * the goroutine's own stack end in ` [g0]` or ` [gsignal]`; a native frame
 * names its symbol and module.
 */
export function frameLines(f: TraceFrame): [string, string] {
  const mark = f.stack === 'goroutine' || f.stack === 'unknown' ? '' : ` [${f.stack}]`;
  if (f.kind === 'native') {
    const where = f.module !== undefined ? `${f.module}${f.offset !== undefined ? `+${hx(f.offset)}` : ''}` : '?';
    return [`${f.printName}(...)`, `\t${where} sp=${hx(f.sp)} pc=${hx(f.pc)}${mark}`];
  }
  // A physical Go frame always has an args text (maybe empty); none means its fp, hence its arguments, is unknown.
  const call = `${f.printName}(${f.inlined ? '...' : (f.args ?? '?')})`;
  let at = `\t${f.file ?? '?'}:${f.line ?? 0}`;
  if (!f.inlined) {
    if (f.offset !== undefined && f.offset > 0) at += ` +${hx(f.offset)}`;
    at += ` fp=${f.fp === undefined ? '?' : hx(f.fp)} sp=${hx(f.sp)} pc=${hx(f.pc)}`;
  }
  return [call, at + mark];
}

/** The `created by` lines: `created by main.main in goroutine 1` and `\tmain.go:40 +0x47`. */
export function createdByLines(c: CreatedBy): [string, string] {
  const first = `created by ${c.printName}${c.goroutine ? ` in goroutine ${c.goroutine}` : ''}`;
  return [first, `\t${c.file ?? '?'}:${c.line ?? 0}${c.offset > 0 ? ` +${hx(c.offset)}` : ''}`];
}

/** Frame lines of a traceback, and a last line saying why it stopped early when it did. */
export function tracebackLines(tb: Traceback): string[] {
  const out: string[] = [];
  for (const f of tb.frames) out.push(...frameLines(f));
  const why = describeWalkStop(tb.stop);
  if (why) out.push(`...traceback stopped: ${why}`);
  return out;
}

/** A goroutine as the runtime prints it: header, frames, `created by`. */
export function formatGoroutine(g: Goroutine, tb: Traceback): string {
  const lines = [goroutineHeader(g), ...tracebackLines(tb)];
  if (g.createdBy) lines.push(...createdByLines(g.createdBy));
  return lines.join('\n') + '\n';
}
