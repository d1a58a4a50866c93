import { existsSync } from 'node:fs';
import { CoreProcess } from '@elfkit/core';
import { GoProcess, isGoRuntimeError, describeWalkStop, type LayoutCacheStore, type Traceback, type TraceFrame } from '@elfkit/goruntime';
import { NodeCoreHost } from '../core/node-host.js';
import { signalName } from '../core/signals.js';
import { CliError } from '../errors.js';
import { Damage } from '../damage.js';
import { nodeDecompressors, nodeIndexCache, openSource } from '@elfkit/symbolize/node';
import { lateOptimization } from '../late-optimization.js';

/** The options of the commands that read a Go core. */
export interface GoCoreArgs {
  file: string;
  exe?: string;
  sysroot?: string;
}

/**
 * Opens a core and the Go runtime in it, runs `use`, and closes the files.
 * A process that is not a Go program, or an `--exe` of another build,
 * is one line and exit status 1. Runs under lateOptimization: a small
 * core's goroutines and threads are a few tenths of a second of code run
 * a few hundred times, which TurboFan would compile only to be waited for
 * at exit.
 */
export function withGoCore<T>(a: GoCoreArgs, use: (go: GoProcess) => T): T {
  if (a.exe && !existsSync(a.exe)) throw new CliError(`--exe ${a.exe}: no such file`);
  const host = new NodeCoreHost();
  const source = openSource(a.file);
  const restoreOptimization = lateOptimization();
  try {
    const p = CoreProcess.open(source, { host, sysroot: a.sysroot, exe: a.exe, decompressors: nodeDecompressors });
    let go: GoProcess;
    try {
      go = GoProcess.open(p, { layoutCache: layoutCache() });
    } catch (e) {
      if (isGoRuntimeError(e)) throw new CliError(e.message);
      throw e;
    }
    try {
      return use(go);
    } finally {
      reportCodeDamage(go);
    }
  } finally {
    restoreOptimization();
    source.close();
    host.close();
  }
}

/**
 * The damaged pclntab parts the walks stepped over (their frames print
 * without what the parts held): one line each, naming the file they are
 * in, after the output, and exit status 1.
 */
function reportCodeDamage(go: GoProcess): void {
  const byFile = new Map<string, Damage>();
  for (const { module, error } of go.codeDamage) {
    const file = (module as { path?: string }).path ?? module.name;
    let d = byFile.get(file);
    if (!d) byFile.set(file, (d = new Damage()));
    d.add(error);
  }
  for (const [file, d] of byFile) d.report(file);
}

/**
 * The runtime layouts read before, in the index cache's folder (see
 * docs/symbolize.md: `ELFKIT_INDEX_CACHE=0` turns it off): a second look
 * at a core of the same executable skips its DWARF. The Node store
 * answers at once; anything else counts as a miss.
 */
function layoutCache(): LayoutCacheStore | undefined {
  if (process.env.ELFKIT_INDEX_CACHE === '0') return undefined;
  const store = nodeIndexCache();
  if (!store) return undefined;
  return {
    get: (name) => {
      const v = store.get(name);
      return v instanceof Uint8Array ? v : undefined;
    },
    put: (name, bytes) => void store.put(name, bytes),
    stamp: (path) => {
      const v = store.stamp(path);
      return v && !('then' in v) ? v : undefined;
    },
  };
}

/** What a thread was doing when the process ended, for listings. */
export function signalNote(go: GoProcess, tid: number | undefined): string {
  const t = go.crashedThread;
  return t && t.tid === tid && t.status.cursig ? signalName(t.status.cursig) : '';
}

/** A frame for JSON (docs/json-go.md). */
export function frameJson(f: TraceFrame) {
  return {
    function: f.function ?? null,
    printName: f.printName,
    file: f.file ?? null,
    line: f.line ?? null,
    inlined: f.inlined,
    args: f.args ?? null,
    pc: f.pc,
    sp: f.sp,
    fp: f.kind === 'go' ? (f.fp ?? null) : null,
    entry: f.entry ?? null,
    offset: f.offset ?? null,
    kind: f.kind,
    module: f.module ?? null,
    stack: f.stack,
    arrival: f.arrival,
  };
}

/** A traceback's frames and stop for JSON. */
export function tracebackJson(tb: Traceback) {
  return { source: tb.source, frames: tb.frames.map(frameJson), stop: { kind: tb.stop.kind, message: describeWalkStop(tb.stop) ?? null } };
}
