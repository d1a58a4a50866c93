import type { SymbolizeOptions } from './options.js';
import type { SymbolizeSession } from './session.js';

/** A sanitizer frame: `    #3 0x4c8f5d in foo (/path/module+0x1f5d)` (the `in foo` part optional). */
const SANITIZER = /^(\s*)#(\d+)\s+(0x[0-9a-fA-F]+)\s*(?:in\s+.+?\s*)?\((.+?)\+(0x[0-9a-fA-F]+)\)\s*$/;
/** Any other `module+0xoffset` token with a path (`/lib/x.so+0x123`, `(libfoo.so+0x10)`). */
const MODULE_OFFSET = /([^\s()[\]]*\/[^\s()[\]]*|[^\s()[\]]+\.so(?:\.[0-9.]+)?)\+(0x[0-9a-fA-F]+)/g;

/**
 * One log line with its frames symbolized (asan_symbolize.py's output):
 * a sanitizer frame becomes one `#N 0x… in function file:line:column` line
 * per frame, inlined calls included and frames renumbered; other
 * `module+0xoffset` tokens get ` (function at file:line:column)` after
 * them. Lines without frames, and frames that nothing covers, stay as they are.
 */
export async function filterLine(line: string, session: SymbolizeSession, o: SymbolizeOptions): Promise<string> {
  const state = filterState;
  const m = SANITIZER.exec(line);
  if (m) {
    const [, indent, no, pc, module, off] = m;
    if (no === '0') state.frame = 0;
    const frames = await frameTexts(module!, BigInt(off!), session, o);
    if (!frames) {
      state.frame = Number(no) + 1;
      return line + '\n';
    }
    let out = '';
    for (const f of frames) out += `${indent}#${state.frame++} ${pc} in ${f}\n`;
    return out;
  }
  const tokens = [...line.matchAll(MODULE_OFFSET)];
  if (tokens.length === 0) return line + '\n';
  let out = '';
  let at = 0;
  for (const t of tokens) {
    const end = t.index! + t[0].length;
    const frames = await frameTexts(t[1]!, BigInt(t[2]!), session, o);
    out += line.slice(at, end) + (frames ? ` (${frames.map((f) => f.replace(/ (\S+)$/, ' at $1')).join(', inlined into ')})` : '');
    at = end;
  }
  return out + line.slice(at) + '\n';
}

const filterState = { frame: 0 };

async function frameTexts(module: string, offset: bigint, session: SymbolizeSession, o: SymbolizeOptions): Promise<string[] | undefined> {
  const m = await session.module(module);
  if (m.broken) return undefined;
  const a = await session.symbolizer.code(m, offset);
  if (!a.found || a.frames.every((f) => f.function === undefined)) return undefined;
  const frames = o.inlines ? a.frames : [a.frames[a.frames.length - 1]!];
  return frames.map((f) => {
    const file = f.file === undefined ? '??' : o.basenames ? f.file.slice(f.file.lastIndexOf('/') + 1) : f.file;
    return `${f.function ?? '??'} ${file}:${f.line}:${f.column}`;
  });
}
