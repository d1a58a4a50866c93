import { isParseError } from '@elfkit/binary';
import { Symbolizer, type Module } from '@elfkit/symbolize';
import { debuginfodConfigured, nodeDebuginfod, nodeHost, nodeIndexCache } from '@elfkit/symbolize/node';
import type * as ChildProcess from 'node:child_process';
import { readSync } from 'node:fs';
import type { TextOut } from '../io/text-out.js';

/**
 * A symbolizer over the local file system for one command run, with the
 * module cache and the "report an unreadable module once" rule of
 * llvm-symbolizer: the first request to a missing or invalid file gets the
 * error, later ones an empty answer.
 */
export class SymbolizeSession {
  readonly symbolizer: Symbolizer;
  private readonly reported = new Set<Module>();
  private readonly reportedUnits = new Set<string>();
  private readonly quiet: boolean;

  constructor(options: ConstructorParameters<typeof Symbolizer>[1] & { quiet?: boolean; debuginfod?: boolean; cache?: boolean; cacheDir?: string } = {}) {
    this.quiet = options.quiet ?? false;
    const useDebuginfod = options.debuginfod ?? debuginfodConfigured();
    const env = process.env;
    const maxMb = Number(env.ELFKIT_CACHE_MAX_MB);
    const indexCache = options.cache !== false && env.ELFKIT_INDEX_CACHE !== '0' ? nodeIndexCache({ dir: options.cacheDir, maxBytes: maxMb > 0 ? maxMb * 2 ** 20 : undefined }) : undefined;
    this.symbolizer = new Symbolizer(nodeHost({ debuginfod: useDebuginfod ? nodeDebuginfod() : undefined, indexCache }), { ...options, onError: (e, m) => this.report(m, e) });
  }

  /**
   * After the answers are out: for each module whose DWARF missed the index
   * cache and is large enough to be worth it, starts `elfkit symbolize
   * --fill-cache` for it in a detached, low-priority process, so the next
   * run reads the index instead of decoding the DWARF (this run does not
   * wait for it). `args`: the options that decide where its DWARF is found.
   */
  fillCacheLater(args: readonly string[]): void {
    const script = process.argv[1];
    if (!script) return;
    for (const m of this.preloaded) {
      if (m.broken || m.bias !== 0n || m.indexCacheState !== 'miss' || dwarfBytes(m) < MIN_CACHED_DWARF) continue;
      try {
        // (loaded here: node:child_process brings net, dgram and a dozen more modules to every run's start otherwise)
        const { spawn } = process.getBuiltinModule('node:child_process') as typeof ChildProcess;
        spawn(process.execPath, [script, 'symbolize', '--fill-cache', `--obj=${m.path}`, ...args], { detached: true, stdio: 'ignore' }).unref();
      } catch {
        // no cache then
      }
    }
  }

  /** Reports a damaged part of `m` on stderr, once per message (a ParseError; anything else is rethrown). */
  report(m: Module, e: unknown): void {
    if (!isParseError(e)) throw e;
    const key = `${m.path}\0${e.message}`;
    if (this.reportedUnits.has(key) || this.quiet) return;
    this.reportedUnits.add(key);
    process.stderr.write(`elfkit: ${m.path}: ${e.message}\n`);
  }

  module(path: string): Promise<Module> {
    return this.symbolizer.module(path).then(async (m) => {
      if (!this.preloaded.has(m)) {
        this.preloaded.add(m);
        // The compressed DWARF sections inflate together on libuv's threads (the Go docker CLI's .debug_info,
        // .debug_line and .debug_ranges: ~125 ms one after the other, ~75 ms side by side), before the first
        // lookup reads any of them; a lookup would otherwise inflate each on this thread when it first reads it.
        if (!m.broken) await (await m.preloadDwarf()).done;
      }
      this.last = m;
      return m;
    });
  }

  private readonly preloaded = new Set<Module>();

  /** The module at `path` when the last one asked for is that one and it has been opened; else undefined (ask {@link module}). */
  moduleNow(path: string): Module | undefined {
    const m = this.last;
    return m !== undefined && m.path === path && m.bias === 0n ? m : undefined;
  }

  private last?: Module;

  /** The message for a module that cannot be read, the first time it is asked for; undefined otherwise. */
  firstError(m: Module): string | undefined {
    if (!m.broken || this.reported.has(m)) return undefined;
    this.reported.add(m);
    if (m.broken.reason === 'missing-file') return 'No such file or directory';
    // What is wrong and where (as LLVM names a header table past the end), else LLVM's words for a file that is not ELF.
    return isParseError(m.broken.error) ? m.broken.error.message : 'The file was not recognized as a valid object file';
  }

  close(): void {
    this.symbolizer.close();
  }
}

/**
 * Calls `answer` for each line of standard input and writes its output. The
 * lines of one read are answered together and written at once: a program
 * that sends one address and waits gets its answer at once, a pipe of a
 * million addresses is not slowed by a write per line.
 */
export async function eachInputLine(answer: (line: string) => Promise<string>, write: (s: string) => void): Promise<void> {
  process.stdin.setEncoding('utf8');
  let rest = '';
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    let out = '';
    for (const p of parts) out += await answer(p);
    if (out) write(out);
  }
  if (rest) write(await answer(rest));
}

/**
 * As {@link eachInputLine}, for answers written straight into `out` (a
 * buffer of bytes: no string per answer), which is flushed after the lines
 * of each read. With `hex`, a line that is just `0x` and 1 to 13 hex
 * digits is read as a number straight from the input's bytes and given to
 * `hex` (no string per line); when `hex` returns false, the line goes to
 * `answer` as text after all.
 */
export async function eachInputLineTo(out: TextOut, answer: (line: string) => Promise<void> | void, beforeFlush?: () => void, hex?: (address: number) => boolean): Promise<void> {
  let rest: Buffer | undefined;
  const utf8 = new TextDecoder();
  for await (const read of stdinChunks()) {
    const chunk = rest ? Buffer.concat([rest, read]) : read;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; start = nl + 1, nl = chunk.indexOf(0x0a, start)) {
      if (hex) {
        const x = plainHex(chunk, start, nl);
        if (x >= 0 && hex(x)) continue;
      }
      // Answered without a promise where the answer needs none.
      const r = answer(utf8.decode(chunk.subarray(start, nl)));
      if (r) await r;
    }
    // (a copy: the next read reuses the buffer)
    rest = start < chunk.length ? Buffer.from(chunk.subarray(start)) : undefined;
    beforeFlush?.();
    out.flush();
  }
  if (rest) await answer(utf8.decode(rest));
  beforeFlush?.();
  out.flush();
}

/**
 * Standard input as it is read, each chunk valid until the next is asked
 * for: blocking reads of file descriptor 0 while it allows them (a pipe or
 * file a parent process gives, a terminal), so a pipe of 100,000 addresses
 * waits for no event-loop turn per 64 KiB and never builds process.stdin's
 * stream; where a read would block a non-blocking descriptor, the rest
 * comes through process.stdin.
 */
async function* stdinChunks(): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(1 << 18);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EOF') return;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw e;
      yield* process.stdin as AsyncIterable<Buffer>;
      return;
    }
    if (n === 0) return;
    yield buf.subarray(0, n);
  }
}

/** The value of `b[start, end)` when it is `0x` (or `0X`) and 1 to 13 hex digits, else -1. */
function plainHex(b: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < 3 || n > 15 || b[start] !== 0x30 || (b[start + 1]! | 0x20) !== 0x78) return -1;
  let x = 0;
  for (let i = start + 2; i < end; i++) {
    const c = b[i]!;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x57;
    else return -1;
    x = x * 16 + d;
  }
  return x;
}

/** DWARF smaller than this (1 MiB of sections) decodes in less time than a cache fill costs: not cached behind the user's back. */
const MIN_CACHED_DWARF = 1 << 20;

/** Bytes of the DWARF sections of `m`'s debug file (as stored: compressed ones count compressed). */
function dwarfBytes(m: Module): number {
  let n = 0;
  try {
    for (const s of m.debugElf?.sections ?? []) if (s.name.startsWith('.debug_')) n += Number(s.size);
  } catch {
    return 0;
  }
  return n;
}

/** The options a `--fill-cache` process needs to find the same DWARF. */
export function searchArgs(o: { debugFileDirectory?: readonly string[]; dwp?: string; debuginfod?: boolean; cacheDir?: string }): string[] {
  const args = (o.debugFileDirectory ?? []).map((d) => `--debug-file-directory=${d}`);
  if (o.dwp !== undefined) args.push(`--dwp=${o.dwp}`);
  if (o.debuginfod !== undefined) args.push(`--debuginfod=${o.debuginfod}`);
  if (o.cacheDir !== undefined) args.push(`--cache-dir=${o.cacheDir}`);
  return args;
}
