import { existsSync } from 'node:fs';
import { CoreProcess, CoreSymbols, type CoreModule, type CoreThread, type DebugInfoStatus, type SymbolizedBacktrace, type SymbolizedFrame } from '@elfkit/core';
import { Symbolizer, type Frame as SourceFrame } from '@elfkit/symbolize';
import { describeStop, type Frame, type StopReason } from '@elfkit/unwind';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';
import { mark } from '../io/timing.js';
import { nodeDecompressors, nodeHost, openSource } from '@elfkit/symbolize/node';
import { NodeCoreHost } from '../core/node-host.js';
import { withZlibHandle } from '../core/pool-inflate.js';
import { signalCodeName, signalName } from '../core/signals.js';
import { debugDirOption, debugDirs } from '../options/debug-dirs.js';
import { lateOptimization } from '../late-optimization.js';

interface CoreArgs {
  file: string;
  exe?: string;
  sysroot?: string;
  'debug-file-directory'?: string | string[];
  registers?: boolean;
  json?: boolean;
  'max-frames'?: number;
  debuginfod?: boolean;
}

const hex16 = (v: bigint) => `0x${v.toString(16).padStart(16, '0')}`;
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

function moduleStatus(m: CoreModule): string {
  const f = m.file;
  switch (f.kind) {
    case 'path':
      return '';
    case 'given':
      return `  (from ${f.path})`;
    case 'build-id':
      return `  (found by build id: ${f.path})`;
    case 'memory':
      return '  (in the core)';
    case 'missing':
      return `  MISSING: no file at ${f.path}`;
    case 'mismatch':
      return `  MISMATCH: ${f.path} has build id ${f.found ?? 'none'}, the core ${f.expected}`;
  }
}

function debugText(d: DebugInfoStatus): string {
  switch (d.kind) {
    case 'dwarf':
      return d.via === 'self' ? 'debug info: its own DWARF' : `debug info: ${d.path} (by ${d.via})`;
    case 'go':
      return 'debug info: Go pclntab';
    case 'symbols':
      return 'debug info: symbol table only';
    case 'missing':
      return 'debug info: missing';
  }
}

/** Why a frame cannot be trusted, said on the frame. */
function frameNotes(s: SymbolizedFrame): string[] {
  const f = s.frame;
  const m = s.module;
  const notes: string[] = [];
  if (f.method === 'frame-pointer') notes.push('found by frame pointer');
  else if (f.method === 'go') notes.push('found by Go SP delta');
  if (f.signalFrame) notes.push('signal frame');
  if (m?.file.kind === 'missing') notes.push(`module file missing: ${m.file.path}`);
  if (m?.file.kind === 'mismatch') notes.push(`module file is another build: ${m.file.path}`);
  return notes;
}

const location = (fn: SourceFrame) => (fn.file ? ` at ${fn.file}${fn.line ? `:${fn.line}` : ''}${fn.line && fn.column ? `:${fn.column}` : ''}` : '');

/** A physical frame's lines: its inlined calls (innermost first), then the function, each numbered as gdb does. */
function frameLines(s: SymbolizedFrame, number: number): string[] {
  return frameBodies(s).map((body, i) => `  #${String(number + i).padEnd(3)} ${body}`);
}

/**
 * The text of a frame's lines after their numbers. Threads share most of
 * their frames (64 threads waiting in the same libc call): a frame without
 * notes is made once per answer and pc (the pc fixes the module and its
 * offset) and kept.
 */
function frameBodies(s: SymbolizedFrame): readonly string[] {
  const notes = frameNotes(s);
  const shared = notes.length === 0 && s.functions.length > 0;
  let byPc = shared ? madeBodies.get(s.functions) : undefined;
  const kept = byPc?.get(s.frame.pc);
  if (kept) return kept;
  const f = s.frame;
  const m = s.module;
  const where = m ? ` (${base(m.name)}+0x${(s.fileAddress ?? 0n).toString(16)})` : '';
  const tail = notes.length ? `  [${notes.join('; ')}]` : '';
  if (s.functions.length === 0) return [`${hex16(f.pc)} in ??${where}${tail}`];
  const bodies = s.functions.map((fn, i) => {
    const last = i === s.functions.length - 1;
    return `${hex16(f.pc)} in ${fn.function ?? '??'}${location(fn)}${last ? where : ' (inlined)'}${last ? tail : ''}`;
  });
  if (shared) {
    if (!byPc) madeBodies.set(s.functions, (byPc = new Map()));
    byPc.set(f.pc, bodies);
  }
  return bodies;
}

const madeBodies = new WeakMap<readonly SourceFrame[], Map<bigint, readonly string[]>>();

function registersText(t: CoreThread): string {
  const entries = t.status.registers?.entries() ?? [];
  const lines: string[] = [];
  for (let i = 0; i < entries.length; i += 3) {
    lines.push('    ' + entries.slice(i, i + 3).map(([n, v]) => `${n.padEnd(8)} ${hex16(v)}`).join('  '));
  }
  return lines.join('\n');
}

function functionJson(fn: SourceFrame) {
  return { function: fn.function ?? null, file: fn.file ?? null, line: fn.line, column: fn.column, inlined: fn.inlined };
}

function frameJson(s: SymbolizedFrame) {
  const f: Frame = s.frame;
  const m = s.module;
  return {
    index: f.index,
    pc: f.pc,
    lookupPc: f.lookupPc,
    sp: f.sp ?? null,
    module: m?.name ?? null,
    fileAddress: s.fileAddress ?? null,
    method: f.method,
    signalFrame: f.signalFrame,
    functions: s.functions.map(functionJson),
    miss: s.miss ?? null,
  };
}

/** True when the backtrace stopped at memory the core would hold had it not been cut short. */
function lostToTruncation(p: CoreProcess, stop: StopReason): boolean {
  const at = stop.kind === 'unreadable-memory' ? stop.address : stop.kind === 'unreadable-return-address' ? stop.address : undefined;
  return at !== undefined && p.memory.cutOff(at);
}

/** Why a backtrace ends, saying so when a truncated core lost the memory it needed. */
function stopText(p: CoreProcess, stop: StopReason): string {
  return describeStop(stop) + (lostToTruncation(p, stop) ? ' (the core is truncated: that memory was cut off)' : '');
}

export const coreCommand = defineCommand({
  command: 'core <file>',
  describe: 'a core file: the process, its signal and modules, and every thread\'s backtrace with functions, files and lines (like eu-stack --core / gdb thread apply all bt)',
  builder: (y) =>
    debugDirOption(
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'core file' })
        .option('exe', { type: 'string', requiresArg: true, describe: 'the executable, when not at the path the core names' })
        .option('sysroot', { type: 'string', requiresArg: true, describe: 'look for the mapped files under this directory (a copy of the crashed machine\'s root)' })
        .option('registers', { type: 'boolean', default: false, describe: 'print each thread\'s registers' })
        .option('max-frames', { type: 'number', default: 1024, describe: 'stop a backtrace after this many frames' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-core.md)' })
        .option('debuginfod', { type: 'boolean', describe: 'fetch mapped files that are missing or another build from DEBUGINFOD_URLS, by build id (default: on when it is set)' }),
    ).example('$0 core ./core --exe ./app', ''),
  handler: async (a: CoreArgs) => {
    mark('handler');
    const host = new NodeCoreHost();
    const source = openSource(a.file);
    // Debug files under the sysroot first (gdb looks for them there too), then the machine's.
    const dirs = debugDirs(a['debug-file-directory']) ?? [...(a.sysroot ? [`${a.sysroot.replace(/\/+$/, '')}/usr/lib/debug`] : []), '/usr/lib/debug'];
    const symbolizer = new Symbolizer(withZlibHandle(nodeHost()), { debugFileDirectories: dirs, symbolTableNames: false, debugFileSymbols: true });
    const restoreOptimization = lateOptimization({ earlyBaseline: true });
    try {
      if (a.exe && !existsSync(a.exe)) throw new CliError(`--exe ${a.exe}: no such file`);
      const open = () => CoreProcess.open(source, { host, sysroot: a.sysroot, exe: a.exe, decompressors: nodeDecompressors, debugFileDirectories: dirs });
      let p = open();
      mark('core read');
      // Files the machine does not have (or has in another build) come from debuginfod by build id; then the core is read again with them.
      const wanted = p.modules.filter((m) => m.buildId && (m.file.kind === 'missing' || m.file.kind === 'mismatch')).map((m) => m.buildId!);
      if (wanted.length) {
        const { fetchExecutables } = await import('../debuginfod/fetch-debuginfo.js');
        for (const [id, path] of await fetchExecutables(wanted, a.debuginfod)) host.fetched.set(id, path);
        if (host.fetched.size) p = open();
      }
      const symbols = new CoreSymbols(p, symbolizer);
      const sig = p.core.signal;
      const crashed = p.threads.find((t) => t.status.cursig !== 0) ?? p.threads[0];
      const traces = new Map<CoreThread, SymbolizedBacktrace>();
      const all = await symbols.backtraces(p.threads, { maxFrames: a['max-frames'] });
      p.threads.forEach((t, i) => traces.set(t, all[i]!));
      mark('backtraces');
      const debug = new Map<CoreModule, DebugInfoStatus>();
      for (const m of p.modules) debug.set(m, await symbols.debugInfo(m));
      if (a.json) {
        writeOut(
          toJson({
            file: a.file,
            pid: p.pid ?? null,
            command: p.core.process ? { name: p.core.process.fname, args: p.core.process.psargs } : null,
            signal: sig ? { number: sig.signo, name: signalName(sig.signo), code: sig.code, codeName: signalCodeName(sig.signo, sig.code), faultAddress: sig.faultAddress ?? null, senderPid: sig.senderPid ?? null } : null,
            truncated: p.truncated,
            modules: p.modules.map((m) => ({ start: m.start, end: m.end, bias: m.bias, buildId: m.buildId ?? null, name: m.name, executable: m.isExecutable, file: m.file, debug: debug.get(m) })),
            threads: p.threads.map((t) => {
              const bt = traces.get(t)!;
              return {
                tid: t.tid,
                crashed: t === crashed,
                signal: t.status.cursig,
                registers: a.registers ? Object.fromEntries(t.status.registers?.entries() ?? []) : undefined,
                frames: bt.frames.map(frameJson),
                stop: { ...bt.stop, message: stopText(p, bt.stop), truncatedCore: lostToTruncation(p, bt.stop) },
                debugFrameFrom: bt.debugFrameModules.map((m) => m.name),
              };
            }),
            problems: p.problems.map((e) => e.message),
          }) + '\n',
        );
        mark('written');
        return;
      }
      const out: string[] = [];
      const cmd = p.core.process;
      out.push(`PID ${p.pid ?? '?'}${cmd ? ` (${cmd.fname}): ${cmd.psargs.trimEnd()}` : ''}`);
      if (sig) {
        const fault = sig.faultAddress !== undefined ? `, fault address 0x${sig.faultAddress.toString(16)}` : sig.senderPid !== undefined ? `, sent by pid ${sig.senderPid}` : '';
        out.push(`Signal: ${signalName(sig.signo)} (${signalCodeName(sig.signo, sig.code)})${fault}${crashed ? `, in thread ${crashed.tid}` : ''}`);
      }
      if (p.truncated) out.push(`The core is truncated: ${p.memory.missingBytes} bytes of memory its headers promise are missing.`);
      out.push('Modules:');
      for (const m of p.modules) {
        out.push(`  ${hex16(m.start)}-${hex16(m.end)}  ${m.name}${m.buildId ? `  ${m.buildId}` : ''}${m.isExecutable ? '  (executable)' : ''}${moduleStatus(m)}`);
        out.push(`      ${debugText(debug.get(m)!)}`);
      }
      for (const t of p.threads) {
        const bt = traces.get(t)!;
        out.push('', `Thread ${t.tid}${t === crashed && t.status.cursig ? ` (${signalName(t.status.cursig)})` : ''}:`);
        if (a.registers) out.push(registersText(t));
        let n = 0;
        for (const f of bt.frames) {
          const lines = frameLines(f, n);
          out.push(...lines);
          n += lines.length;
        }
        if (bt.debugFrameModules.length) out.push(`  -- unwound with the .debug_frame of ${bt.debugFrameModules.map((m) => base(m.name)).join(', ')}'s separate debug file`);
        out.push(`  -- ${stopText(p, bt.stop)}`);
      }
      for (const e of p.problems) out.push(`warning: ${e.message}`);
      writeOut(out.join('\n') + '\n');
      mark('written');
    } finally {
      symbolizer.close();
      source.close();
      host.close();
      restoreOptimization();
    }
  },
});
