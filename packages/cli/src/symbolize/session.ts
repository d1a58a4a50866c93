import { isParseError } from '@elfkit/binary';
import { Symbolizer, type Module } from '@elfkit/symbolize';
import { debuginfodConfigured, nodeDebuginfod, nodeHost } from '@elfkit/symbolize/node';
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

  constructor(options: ConstructorParameters<typeof Symbolizer>[1] & { quiet?: boolean; debuginfod?: boolean } = {}) {
    this.quiet = options.quiet ?? false;
    const useDebuginfod = options.debuginfod ?? debuginfodConfigured();
    this.symbolizer = new Symbolizer(nodeHost({ debuginfod: useDebuginfod ? nodeDebuginfod() : undefined }), { ...options, onError: (e, m) => this.report(m, e) });
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
 * of each read.
 */
export async function eachInputLineTo(out: TextOut, answer: (line: string) => Promise<void> | void, beforeFlush?: () => void): Promise<void> {
  process.stdin.setEncoding('utf8');
  let rest = '';
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    // Answered without a promise where the answer needs none.
    for (const p of parts) {
      const r = answer(p);
      if (r) await r;
    }
    beforeFlush?.();
    out.flush();
  }
  if (rest) await answer(rest);
  beforeFlush?.();
  out.flush();
}
