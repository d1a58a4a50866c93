import { writeOut } from '../io/output.js';
import { UsageError } from '../errors.js';
import { parseInputLine } from './input.js';
import { parseSymbolizeArgs, type SymbolizeOptions } from './options.js';
import { framesToPrint, jsonCode, jsonData, jsonError, jsonText, plainCode, plainData, codeJsonInto, MISS_FRAMES, type Json, type Request } from './printers.js';
import { eachInputLine, eachInputLineTo, searchArgs, SymbolizeSession } from './session.js';
import { TextOut } from '../io/text-out.js';
import { filterLine } from './filter.js';
import { FrameBuffer } from '@elfkit/symbolize';

const MAX_U64 = 0xffff_ffff_ffff_ffffn;

export const SYMBOLIZE_USAGE = `usage: elfkit symbolize [options] [addresses...]

A drop-in for llvm-symbolizer: addresses as arguments or lines on standard
input, each line "[CODE|DATA] [MODULE] ADDRESS" ("quoted" modules may hold
spaces), answered as soon as it is read.

  --obj, --exe, -e FILE        the module for every address (then lines are "[CODE|DATA] ADDRESS")
  --inlines, -i / --no-inlines inlined calls as frames of their own (default on)
  --functions[=linkage|short|none], -f   how to name functions (default linkage)
  --demangle, -C / --no-demangle         demangle C++ and Rust names (default on)
  --output-style=LLVM|GNU|JSON
  --pretty-print, -p           "function at file:line:column", inlined frames as "(inlined by)"
  --print-address, --addresses, -a       print the address first
  --basenames, -s / --relativenames      shorten paths
  --adjust-vma=OFFSET          subtract OFFSET from every address
  --debug-file-directory=DIR   where .build-id/ and debug-link files are (repeatable; default /usr/lib/debug)
  --dwp=FILE                   the .dwp package to use
  --debuginfod / --no-debuginfod         fetch missing debug files from DEBUGINFOD_URLS (default on when it is set)
  --verbose                    every field on a line of its own
  --filter                     symbolize "#N 0x… (module+0x…)" and "module+0x…" frames in a log on standard input
  --no-cache                   neither read nor write the index cache (also ELFKIT_INDEX_CACHE=0)
  --cache-dir=DIR              the index cache's folder (default $ELFKIT_CACHE_DIR, $XDG_CACHE_HOME/elfkit, ~/.cache/elfkit)
  --fill-cache                 write the index cache for --obj and answer nothing

Like llvm-symbolizer, the outermost frame is named from the symbol table
(so a .cold part shows as "work.cold"); see docs/symbolize.md.
`;

/** Runs `elfkit symbolize` with its arguments (after the command word); returns the exit status. */
export async function runSymbolize(argv: readonly string[]): Promise<number> {
  const o = parseSymbolizeArgs(argv);
  if (o.help) {
    writeOut(SYMBOLIZE_USAGE);
    return 0;
  }
  if (o.filter && o.inputs.length) throw new UsageError('--filter reads a log on standard input; it takes no addresses');
  const session = new SymbolizeSession({
    debugFileDirectories: o.debugFileDirectory.length ? o.debugFileDirectory : undefined,
    dwp: o.dwp,
    functionNames: o.functions,
    demangle: o.demangle,
    debuginfod: o.debuginfod,
    cache: o.cache,
    cacheDir: o.cacheDir,
  });
  try {
    if (o.fillCache) return await fillCache(session, o);
    if (o.filter) {
      await eachInputLine((line) => filterLine(line, session, o), writeOut);
      return 0;
    }
    if (o.inputs.length) {
      const list: Json[] = [];
      let out = '';
      for (const input of o.inputs) {
        const r = await answerLine(input, session, o);
        if (o.style === 'JSON') list.push(r.json!);
        else out += r.text;
      }
      writeOut(o.style === 'JSON' ? jsonText(list, o.pretty ? 2 : 0) + '\n' : out);
      return 0;
    }
    const out = new TextOut(1 << 20);
    // Compact JSON lines answered without waiting are written straight into the output's bytes.
    const fastJson = o.style === 'JSON' && !o.pretty;
    // A pipe's usual line ("0x" and up to 13 hex digits, read as a number from the input's bytes) for --obj, when
    // every frame prints as found: answered into one reused frame buffer (no line string, no answer object).
    const numbers = fastJson && o.obj !== undefined && o.inlines && o.adjustVma === 0n && !o.basenames && !o.relativenames && o.functions !== 'none';
    const buffer = new FrameBuffer();
    await eachInputLineTo(
      out,
      (line) => {
        if (fastJson && codeJsonNow(line, session, o, out)) return;
        return answerAsync(line);
      },
      undefined,
      numbers ? (x) => codeJsonNumber(x, session, o.obj!, out, buffer) : undefined,
    );
    async function answerAsync(line: string): Promise<void> {
      if (fastJson && (await answerCodeJson(line, session, o, out))) return;
      const r = await answerLine(line, session, o);
      out.utf8(o.style === 'JSON' ? jsonText(r.json!, o.pretty ? 2 : 0) + '\n' : r.text!);
    }
    return 0;
  } finally {
    if (!o.fillCache) session.fillCacheLater(searchArgs(o));
    session.close();
  }
}

/** `--fill-cache`: decodes the DWARF of --obj and writes its index cache, at low priority. */
async function fillCache(session: SymbolizeSession, o: SymbolizeOptions): Promise<number> {
  if (o.obj === undefined) throw new UsageError('--fill-cache needs --obj');
  try {
    (await import('node:os')).setPriority(10);
  } catch {
    // not allowed: at normal priority then
  }
  const m = await session.symbolizer.module(o.obj);
  if (m.broken) {
    process.stderr.write(`elfkit: ${o.obj}: ${session.firstError(m)}\n`);
    return 1;
  }
  if ((await m.saveIndex()) || m.indexCacheState === 'hit') return 0;
  process.stderr.write(`elfkit: ${o.obj}: not cached (${m.indexCacheState === 'off' ? 'the cache is off, or no DWARF or build id' : 'DWARF the index cache does not hold: damaged, split or with a supplementary file'})\n`);
  return 1;
}

/**
 * The common case of a JSON pipe — a CODE line for a module already open —
 * answered at once as its JSON line into `out`; false when the answer must
 * wait for the host (then {@link answerCodeJson} or {@link answerLine} answers).
 */
function codeJsonNow(line: string, session: SymbolizeSession, o: SymbolizeOptions, out: TextOut): boolean {
  const cmd = parseInputLine(line, o.obj);
  if (cmd.address === undefined || cmd.kind === 'DATA') return false;
  const m = session.moduleNow(cmd.module);
  if (!m || m.broken) return false;
  // (a plain 0x… line is below 2^64 already: no bigint made per line without --adjust-vma)
  const address = o.adjustVma === 0n && cmd.address >= 0n && cmd.address <= MAX_U64 ? cmd.address : BigInt.asUintN(64, cmd.address - o.adjustVma);
  const answer = session.symbolizer.codeSync(m, address);
  if (!answer) return false;
  codeJsonInto(out, { module: cmd.module, address: cmd.address }, framesToPrint(answer, o));
  return true;
}

/**
 * {@link codeJsonNow} for a plain `0x…` line of --obj read as the number
 * `x`, with every frame printed as found (--inlines, no path or naming
 * option): the frames go into `buffer`, reused line after line. False when
 * the answer must wait for the host.
 */
function codeJsonNumber(x: number, session: SymbolizeSession, obj: string, out: TextOut, buffer: FrameBuffer): boolean {
  const m = session.moduleNow(obj);
  if (!m || m.broken) return false;
  const address = BigInt(x);
  const found = session.symbolizer.codeInto(m, address, buffer);
  if (found === undefined) return false;
  // (a miss prints llvm-symbolizer's one empty frame, as framesToPrint gives it)
  if (found) codeJsonInto(out, { module: obj, address }, buffer.frames, buffer.length);
  else codeJsonInto(out, { module: obj, address }, MISS_FRAMES);
  return true;
}

/**
 * A CODE line for a readable module as a compact JSON line into `out`,
 * after waiting for what it needs; false for anything else (answered by
 * {@link answerLine}).
 */
async function answerCodeJson(line: string, session: SymbolizeSession, o: SymbolizeOptions, out: TextOut): Promise<boolean> {
  const cmd = parseInputLine(line, o.obj);
  if (cmd.address === undefined || cmd.kind === 'DATA') return false;
  const m = await session.module(cmd.module);
  if (m.broken) return false;
  const answer = await session.symbolizer.code(m, BigInt.asUintN(64, cmd.address - o.adjustVma));
  codeJsonInto(out, { module: cmd.module, address: cmd.address }, framesToPrint(answer, o));
  return true;
}

/** One input line answered as text (LLVM/GNU) or a JSON object. */
async function answerLine(line: string, session: SymbolizeSession, o: SymbolizeOptions): Promise<{ text?: string; json?: Json }> {
  const cmd = parseInputLine(line, o.obj);
  if (cmd.address === undefined) {
    if (o.style === 'JSON') return { json: jsonError({ module: cmd.module }, `unable to parse arguments: ${line}`) };
    return { text: line + '\n' };
  }
  const req: Request = { module: cmd.module, address: cmd.address };
  const m = await session.module(cmd.module);
  const err = session.firstError(m);
  if (err) {
    if (o.style === 'JSON') return { json: jsonError(req, err) };
    process.stderr.write(`elfkit: error reading file: ${cmd.module}: ${err}\n`);
  }
  // A module that could not be read answers every later request empty (LLVM: no frames at all).
  if (m.broken && cmd.kind !== 'DATA' && o.style === 'JSON') return { json: { ...jsonCode(req, []) } };
  const address = cmd.address - o.adjustVma;
  const s = session.symbolizer;
  if (cmd.kind === 'DATA') {
    const a = await s.data(m, BigInt.asUintN(64, address));
    return o.style === 'JSON' ? { json: jsonData(req, a) } : { text: plainData(req, a, o) };
  }
  // FRAME (local variables) is not supported: answered as a miss, as llvm-symbolizer does without DWARF locals.
  const answer = await s.code(m, BigInt.asUintN(64, address));
  const frames = framesToPrint(answer, o);
  return o.style === 'JSON' ? { json: jsonCode(req, frames) } : { text: plainCode(req, frames, o) };
}
