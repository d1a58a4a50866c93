import { existsSync, statSync } from 'node:fs';
import type { ByteSource } from '@elfkit/binary';
import { CoreProcess, type CoreModule, type CoreThread } from '@elfkit/core';
import { describeStop, type Backtrace, type Frame } from '@elfkit/unwind';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';
import { FileSource, openSource } from '@elfkit/symbolize/node';
import { signalCodeName, signalName } from '../core/signals.js';
import { nodeDecompressors } from '@elfkit/symbolize/node';

interface CoreArgs {
  file: string;
  exe?: string;
  sysroot?: string;
  registers?: boolean;
  json?: boolean;
  'max-frames'?: number;
  debuginfod?: boolean;
}

/** Opens the files a core names, each once, and closes them all at the end; files fetched by build id (debuginfod) stand in for missing ones. */
class NodeCoreHost {
  private readonly files = new Map<string, FileSource | null>();
  /** Cached paths of executables and libraries fetched by build id. */
  readonly fetched = new Map<string, string>();
  findByBuildId(buildId: string): { path: string; source: ByteSource } | undefined {
    const path = this.fetched.get(buildId.toLowerCase());
    const source = path ? this.open(path) : undefined;
    return path && source ? { path, source } : undefined;
  }
  open(path: string): ByteSource | undefined {
    let f = this.files.get(path);
    if (f === undefined) {
      try {
        f = existsSync(path) && statSync(path).isFile() ? new FileSource(path) : null;
      } catch {
        f = null;
      }
      this.files.set(path, f);
    }
    return f ?? undefined;
  }
  close(): void {
    for (const f of this.files.values()) f?.close();
  }
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

/** Why a frame's module cannot be trusted, said on the frame. */
function frameNote(f: Frame): string {
  const m = f.module as CoreModule | undefined;
  const notes: string[] = [];
  if (f.method === 'frame-pointer') notes.push('by frame pointer');
  else if (f.method === 'go') notes.push('by Go SP delta');
  if (f.signalFrame) notes.push('signal frame');
  if (m?.file.kind === 'missing') notes.push(`module file missing: ${m.file.path}`);
  if (m?.file.kind === 'mismatch') notes.push(`module file is another build: ${m.file.path}`);
  return notes.length ? `  [${notes.join('; ')}]` : '';
}

function frameText(f: Frame): string {
  const m = f.module;
  const where = m ? `${base(m.name)}+0x${(f.pc - m.bias).toString(16)}` : '??';
  return `  #${String(f.index).padEnd(3)} ${hex16(f.pc)} in ${where}${frameNote(f)}`;
}

function registersText(p: CoreProcess, t: CoreThread): string {
  const entries = t.status.registers?.entries() ?? [];
  const lines: string[] = [];
  for (let i = 0; i < entries.length; i += 3) {
    lines.push('    ' + entries.slice(i, i + 3).map(([n, v]) => `${n.padEnd(8)} ${hex16(v)}`).join('  '));
  }
  void p;
  return lines.join('\n');
}

function frameJson(f: Frame) {
  const m = f.module;
  return {
    index: f.index,
    pc: f.pc,
    lookupPc: f.lookupPc,
    sp: f.sp ?? null,
    module: m?.name ?? null,
    fileAddress: m ? f.pc - m.bias : null,
    method: f.method,
    signalFrame: f.signalFrame,
  };
}

export const coreCommand = defineCommand({
  command: 'core <file>',
  describe: 'a core file: the process, its signal and modules, and every thread\'s backtrace (like eu-stack --core / gdb thread apply all bt)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'core file' })
      .option('exe', { type: 'string', requiresArg: true, describe: 'the executable, when not at the path the core names' })
      .option('sysroot', { type: 'string', requiresArg: true, describe: 'look for the mapped files under this directory (a copy of the crashed machine\'s root)' })
      .option('registers', { type: 'boolean', default: false, describe: 'print each thread\'s registers' })
      .option('max-frames', { type: 'number', default: 1024, describe: 'stop a backtrace after this many frames' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json.md)' })
      .option('debuginfod', { type: 'boolean', describe: 'fetch mapped files that are missing or another build from DEBUGINFOD_URLS, by build id (default: on when it is set)' })
      .example('$0 core ./core --exe ./app', ''),
  handler: async (a: CoreArgs) => {
    const host = new NodeCoreHost();
    const source = openSource(a.file);
    try {
      if (a.exe && !existsSync(a.exe)) throw new CliError(`--exe ${a.exe}: no such file`);
      const open = () => CoreProcess.open(source, { host, sysroot: a.sysroot, exe: a.exe, decompressors: nodeDecompressors });
      let p = open();
      // Files the machine does not have (or has in another build) come from debuginfod by build id; then the core is read again with them.
      const wanted = p.modules.filter((m) => m.buildId && (m.file.kind === 'missing' || m.file.kind === 'mismatch')).map((m) => m.buildId!);
      if (wanted.length) {
        const { fetchExecutables } = await import('../debuginfod/fetch-debuginfo.js');
        for (const [id, path] of await fetchExecutables(wanted, a.debuginfod)) host.fetched.set(id, path);
        if (host.fetched.size) p = open();
      }
      const sig = p.core.signal;
      const crashed = p.threads.find((t) => t.status.cursig !== 0) ?? p.threads[0];
      const traces = new Map<CoreThread, Backtrace>();
      for (const t of p.threads) traces.set(t, p.backtrace(t, { maxFrames: a['max-frames'] }));
      if (a.json) {
        writeOut(
          toJson({
            file: a.file,
            pid: p.pid ?? null,
            command: p.core.process ? { name: p.core.process.fname, args: p.core.process.psargs } : null,
            signal: sig ? { number: sig.signo, name: signalName(sig.signo), code: sig.code, codeName: signalCodeName(sig.signo, sig.code), faultAddress: sig.faultAddress ?? null, senderPid: sig.senderPid ?? null } : null,
            truncated: p.truncated,
            modules: p.modules.map((m) => ({ start: m.start, end: m.end, bias: m.bias, buildId: m.buildId ?? null, name: m.name, executable: m.isExecutable, file: m.file })),
            threads: p.threads.map((t) => {
              const bt = traces.get(t)!;
              return {
                tid: t.tid,
                crashed: t === crashed,
                signal: t.status.cursig,
                registers: a.registers ? Object.fromEntries(t.status.registers?.entries() ?? []) : undefined,
                frames: bt.frames.map(frameJson),
                stop: { ...bt.stop, message: describeStop(bt.stop) },
              };
            }),
            problems: p.problems.map((e) => e.message),
          }) + '\n',
        );
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
      }
      for (const t of p.threads) {
        const bt = traces.get(t)!;
        out.push('', `Thread ${t.tid}${t === crashed && t.status.cursig ? ` (${signalName(t.status.cursig)})` : ''}:`);
        if (a.registers) out.push(registersText(p, t));
        for (const f of bt.frames) out.push(frameText(f));
        out.push(`  -- ${describeStop(bt.stop)}`);
      }
      for (const e of p.problems) out.push(`warning: ${e.message}`);
      writeOut(out.join('\n') + '\n');
    } finally {
      source.close();
      host.close();
    }
  },
});
