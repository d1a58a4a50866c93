import type { GoProcess, Goroutine, Traceback } from '@elfkit/goruntime';
import { formatGoroutine, goroutineHeader, tracebackLines } from '@elfkit/goruntime';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { toJson } from '../format/json.js';
import { signalNote, tracebackJson, withGoCore, type GoCoreArgs } from '../go/core.js';
import { writeOut } from '../io/output.js';

interface Args extends GoCoreArgs {
  json: boolean;
  brief: boolean;
}

/** Goroutine and M ids are counters: JSON numbers (exact below 2^53). */
const num = (v: bigint | undefined) => (v === undefined ? null : Number(v));

function goroutineJson(g: Goroutine, tb: Traceback | undefined) {
  return {
    id: num(g.id),
    address: g.address,
    status: g.status,
    statusName: g.statusName,
    scan: g.scan,
    waitReason: g.waitReason ?? null,
    waitReasonCode: g.waitReasonCode ?? null,
    waitSince: g.waitSince ?? null,
    waitMinutes: g.waitMinutes ?? null,
    lockedToThread: g.lockedToThread,
    m: g.m ? { id: num(g.m.id), address: g.m.address } : null,
    thread: g.thread ?? null,
    crashed: g.crashed,
    createdBy: g.createdBy
      ? { ...g.createdBy, function: g.createdBy.function ?? null, file: g.createdBy.file ?? null, line: g.createdBy.line ?? null, goroutine: num(g.createdBy.goroutine) }
      : null,
    parentGoid: num(g.parentGoid),
    startFunction: g.startFunction ?? null,
    ...(tb ? tracebackJson(tb) : {}),
  };
}

/** The first frame outside the runtime (what the goroutine's own code is doing), else the first frame. */
function userFrame(tb: Traceback) {
  const frames = tb.frames.filter((f) => f.stack !== 'g0' && f.stack !== 'gsignal');
  // A Go frame whose name cannot be read counts as outside the runtime (it is not known to be in it).
  return frames.find((f) => (f.kind === 'go' || f.function) && !f.function?.startsWith('runtime.')) ?? frames[0];
}

/** Without DWARF: each thread's stack from the pclntab, then the reason goroutines cannot be listed. */
function threadsOnly(go: GoProcess, a: Args): never {
  const threads = go.threads();
  if (a.json) {
    writeOut(toJson({ file: a.file, go: go.version ?? null, goroutines: null, threads: threads.map((t) => ({ tid: t.tid ?? null, ...tracebackJson(go.threadTraceback(t)) })), error: go.typesError!.message }) + '\n');
  } else {
    const out: string[] = [];
    for (const t of threads) out.push(`thread ${t.tid}${signalNote(go, t.tid) ? ` [${signalNote(go, t.tid)}]` : ''}:`, ...tracebackLines(go.threadTraceback(t)), '');
    writeOut(out.join('\n'));
  }
  throw new CliError(go.typesError!.message);
}

export const goGoroutinesCommand = defineCommand({
  command: 'goroutines <file>',
  describe: 'every goroutine in a Go core file and its stack, as the runtime\'s GOTRACEBACK=crash prints them (statuses, wait reasons, creators, frames with args, sp and fp)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'core file' })
      .option('exe', { type: 'string', requiresArg: true, describe: 'the executable, when not at the path the core names' })
      .option('sysroot', { type: 'string', requiresArg: true, describe: 'look for the mapped files under this directory' })
      .option('brief', { type: 'boolean', default: false, describe: 'one line per goroutine: header and the first frame outside the runtime' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-go.md)' })
      .example('$0 go goroutines ./core --exe ./app', ''),
  handler: (a: Args) =>
    withGoCore(a, (go) => {
      if (!go.layout) threadsOnly(go, a);
      const list = go.goroutines();
      const problems = [...list.problems, ...go.problems];
      if (a.json) {
        const signal = go.crashedThread?.status.cursig;
        writeOut(
          toJson({
            file: a.file,
            go: go.version ?? null,
            pid: go.core.pid ?? null,
            signal: signal || null,
            clock: go.clock() ?? null,
            goroutines: list.goroutines.map((g) => goroutineJson(g, a.brief ? undefined : go.traceback(g))),
            dead: list.dead,
            problems,
          }) + '\n',
        );
        return;
      }
      // The goroutine that took the signal first, as the runtime prints the panicking one first.
      const ordered = [...list.goroutines.filter((g) => g.crashed), ...list.goroutines.filter((g) => !g.crashed)];
      const out: string[] = [];
      const crashed = ordered.find((g) => g.crashed);
      const sig = signalNote(go, go.crashedThread?.tid);
      out.push(
        `${go.version ?? 'Go'}, pid ${go.core.pid ?? '?'}: ${list.goroutines.length} goroutines${sig ? `, ${sig} in thread ${go.crashedThread!.tid}${crashed ? ` (goroutine ${crashed.id})` : ''}` : ''}`,
        '',
      );
      for (const g of ordered) {
        if (a.brief) {
          const f = userFrame(go.traceback(g));
          out.push(`${goroutineHeader(g).replace(/:$/, '')} ${f ? `${f.printName} ${f.file ?? '?'}:${f.line ?? 0}` : ''}`.trimEnd());
        } else out.push(formatGoroutine(g, go.traceback(g)));
      }
      for (const p of problems) out.push(`warning: ${p}`);
      writeOut(out.join('\n') + '\n');
    }),
});
