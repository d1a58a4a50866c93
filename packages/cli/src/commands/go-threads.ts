import type { GoProcess, GoThread, TraceFrame } from '@elfkit/goruntime';
import { tracebackLines } from '@elfkit/goruntime';
import { defineCommand } from '../command.js';
import { toJson } from '../format/json.js';
import { signalNote, tracebackJson, withGoCore, type GoCoreArgs } from '../go/core.js';
import { writeOut } from '../io/output.js';

interface Args extends GoCoreArgs {
  json: boolean;
  stacks: boolean;
}

/** What the thread's M was doing: running a goroutine, spinning for work, idle, or not an M at all. */
function state(go: GoProcess, t: GoThread): string {
  const parts: string[] = [];
  const sig = signalNote(go, t.tid);
  if (!t.m) parts.push(go.layout ? 'not a Go thread (no M)' : 'unknown (no DWARF)');
  else if (t.goroutine !== undefined) parts.push(t.goroutineStatus === 'running' ? `running goroutine ${t.goroutine}` : `goroutine ${t.goroutine} [${t.goroutineStatus}]`);
  else if (t.m.spinning) parts.push('spinning');
  else parts.push('idle');
  if (t.lockedGoroutine !== undefined) parts.push(`locked to goroutine ${t.lockedGoroutine}`);
  if (t.m?.incgo) parts.push('in cgo');
  if (!t.thread) parts.push('thread not in the core');
  if (sig) parts.push(sig);
  return parts.join(', ');
}

/** Physical frames walked first for a thread's AT column: almost always the innermost has what it names. */
const TOP_WALK = 4;

/**
 * What a thread's AT column names: its innermost Go frame or native frame
 * with a name. A few frames are walked first (a listing of every thread
 * would otherwise unwind every stack to its end), the whole stack only
 * when they hold no such frame.
 */
function topFrame(go: GoProcess, t: GoThread): TraceFrame | undefined {
  const named = (f: TraceFrame) => f.kind === 'go' || !!f.function;
  const near = go.threadTraceback(t, TOP_WALK);
  const top = near.frames.find(named);
  if (top || near.stop.kind !== 'depth-limit') return top;
  return go.threadTraceback(t).frames.find(named);
}

export const goThreadsCommand = defineCommand({
  command: 'threads <file>',
  describe: 'the threads of a Go core file and the runtime\'s Ms on them: M id, current goroutine, P, where each thread is',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'core file' })
      .option('exe', { type: 'string', requiresArg: true, describe: 'the executable, when not at the path the core names' })
      .option('sysroot', { type: 'string', requiresArg: true, describe: 'look for the mapped files under this directory' })
      .option('stacks', { type: 'boolean', default: false, describe: 'print each thread\'s stack (system stack, then its goroutine)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-go.md)' })
      .example('$0 go threads ./core --stacks', ''),
  handler: (a: Args) =>
    withGoCore(a, (go) => {
      const threads = go.threads();
      if (a.json) {
        writeOut(
          toJson({
            file: a.file,
            go: go.version ?? null,
            threads: threads.map((t) => ({
              tid: t.tid ?? null,
              inCore: !!t.thread,
              crashed: t.crashed,
              m: t.m ? { id: Number(t.m.id), address: t.m.address, procid: Number(t.m.procid), spinning: t.m.spinning, blocked: t.m.blocked, incgo: t.m.incgo } : null,
              goroutine: t.goroutine === undefined ? null : Number(t.goroutine),
              goroutineStatus: t.goroutineStatus ?? null,
              lockedGoroutine: t.lockedGoroutine === undefined ? null : Number(t.lockedGoroutine),
              p: t.p ?? null,
              ...tracebackJson(go.threadTraceback(t)),
            })),
            problems: [...go.problems, ...(go.typesError ? [go.typesError.message] : [])],
          }) + '\n',
        );
        return;
      }
      const out: string[] = [];
      const rows = threads.map((t) => {
        const top = t.thread ? topFrame(go, t) : undefined;
        return [
          t.crashed ? '*' : ' ',
          String(t.tid ?? '-'),
          t.m ? String(t.m.id) : '-',
          t.goroutine !== undefined ? String(t.goroutine) : '-',
          t.p !== undefined ? String(t.p) : '-',
          state(go, t),
          top ? `${top.printName} ${top.file ?? top.module ?? '?'}${top.line ? `:${top.line}` : ''}` : '',
        ];
      });
      const head = [' ', 'THREAD', 'M', 'G', 'P', 'STATE', 'AT'];
      // A cell widens its column only when text follows it (an M without a thread has no AT).
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.slice(i + 1).some((c) => c !== '') ? r[i]!.length : 0))));
      for (const r of [head, ...rows]) out.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
      if (a.stacks) {
        for (const t of threads) {
          if (!t.thread && !t.m) continue;
          out.push('', `thread ${t.tid ?? '-'}${t.m ? ` m=${t.m.id}` : ''}${t.goroutine !== undefined ? ` goroutine ${t.goroutine}` : ''}:`, ...tracebackLines(go.threadTraceback(t)));
        }
      }
      for (const p of go.problems) out.push(`warning: ${p}`);
      if (go.typesError) out.push(`warning: ${go.typesError.message}`);
      writeOut(out.join('\n') + '\n');
    }),
});
