import type { CodeAnswer, DataAnswer, Frame } from '@elfkit/symbolize';
import type { SymbolizeOptions } from './options.js';

/** LLVM's DILineInfo as the printers see it: undefined name or file is LLVM's `<invalid>`. */
export interface LineInfo {
  function?: string;
  file?: string;
  line: number;
  column: number;
  discriminator: number;
  startFile: string;
  startLine: number;
  startAddress?: bigint;
}

const EMPTY: LineInfo = { line: 0, column: 0, discriminator: 0, startFile: '', startLine: 0 };

/** What a request prints: its module and address (undefined for a line that did not parse). */
export interface Request {
  module: string;
  address?: bigint;
}

const hex = (v: bigint) => '0x' + v.toString(16);

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** Applies --basenames / --relativenames to a path. */
function shownPath(p: string | undefined, f: Frame | undefined, o: SymbolizeOptions): string | undefined {
  if (p === undefined) return undefined;
  if (o.basenames) return basename(p);
  if (o.relativenames && f?.compDir && p.startsWith(f.compDir.replace(/\/$/, '') + '/')) return p.slice(f.compDir.replace(/\/$/, '').length + 1);
  return p;
}

function info(f: Frame, o: SymbolizeOptions): LineInfo {
  return {
    function: o.functions === 'none' ? undefined : f.function,
    file: shownPath(f.file, f, o),
    line: f.line,
    column: f.column,
    discriminator: f.discriminator,
    startFile: shownPath(f.startFile, f, o) ?? '',
    startLine: f.startLine,
    startAddress: f.startAddress,
  };
}

/**
 * The frames llvm-symbolizer prints for a code answer: every frame with
 * --inlines; otherwise one — the innermost location named after the outer
 * function (symbolizeCode), or for GNU style the innermost frame as it is
 * (LLVM 14 does so to match addr2line).
 */
export function framesToPrint(answer: CodeAnswer, o: SymbolizeOptions): LineInfo[] {
  if (!answer.found) return [EMPTY];
  const frames = answer.frames.map((f) => info(f, o));
  if (o.inlines) return frames;
  if (o.styleGiven && o.style === 'GNU') return [frames[0]!];
  const inner = frames[0]!;
  const outer = answer.frames[answer.frames.length - 1]!;
  const sym = o.functions === 'linkage' ? answer.symbol : undefined;
  return [{ ...inner, function: sym ? outer.function : inner.function, startAddress: sym ? sym.start : inner === frames[frames.length - 1] ? inner.startAddress : undefined }];
}

/** LLVM and GNU plain text for a code request. */
export function plainCode(req: Request, frames: LineInfo[], o: SymbolizeOptions): string {
  let out = header(req, o);
  frames.forEach((f, i) => {
    if (o.functions !== 'none') out += (o.pretty && i > 0 ? ' (inlined by) ' : '') + (f.function ?? '??') + (o.pretty ? ' at ' : '\n');
    const file = f.file ?? '??';
    if (o.verbose) {
      out += `  Filename: ${file}\n`;
      if (f.startLine) out += `  Function start filename: ${f.startFile}\n  Function start line: ${f.startLine}\n`;
      if (f.startAddress !== undefined) out += `  Function start address: ${hex(f.startAddress)}\n`;
      out += `  Line: ${f.line}\n  Column: ${f.column}\n`;
      if (f.discriminator) out += `  Discriminator: ${f.discriminator}\n`;
    } else if (o.style === 'GNU') out += `${file}:${f.line}${f.discriminator ? ` (discriminator ${f.discriminator})` : ''}\n`;
    else out += `${file}:${f.line}:${f.column}\n`;
  });
  return out + footer(o);
}

/** LLVM and GNU plain text for a data request. */
export function plainData(req: Request, answer: DataAnswer, o: SymbolizeOptions): string {
  const name = answer.found ? answer.symbol.name : '??';
  const start = answer.found ? answer.symbol.start : 0n;
  const size = answer.found ? answer.symbol.size : 0n;
  return `${header(req, o)}${name}\n${start} ${size}\n${footer(o)}`;
}

function header(req: Request, o: SymbolizeOptions): string {
  return o.addresses && req.address !== undefined ? `${hex(req.address)}${o.pretty ? ': ' : '\n'}` : '';
}

function footer(o: SymbolizeOptions): string {
  return o.style === 'LLVM' ? '\n' : '';
}

/** A JSON value whose object keys are written sorted (as LLVM's json::Object prints them). */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export function jsonText(v: Json, indent: number, depth = 0): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (!indent) return '[' + v.map((x) => jsonText(x, 0)).join(',') + ']';
    const pad = ' '.repeat(indent * (depth + 1));
    return '[\n' + v.map((x) => pad + jsonText(x, indent, depth + 1)).join(',\n') + '\n' + ' '.repeat(indent * depth) + ']';
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return '{}';
    if (!indent) return '{' + keys.map((k) => JSON.stringify(k) + ':' + jsonText(v[k]!, 0)).join(',') + '}';
    const pad = ' '.repeat(indent * (depth + 1));
    return '{\n' + keys.map((k) => pad + JSON.stringify(k) + ': ' + jsonText(v[k]!, indent, depth + 1)).join(',\n') + '\n' + ' '.repeat(indent * depth) + '}';
  }
  return JSON.stringify(v);
}

function request(req: Request): { [k: string]: Json } {
  return req.address === undefined ? { ModuleName: req.module } : { Address: hex(req.address), ModuleName: req.module };
}

/** llvm-symbolizer's JSON object for a code request. */
export function jsonCode(req: Request, frames: LineInfo[]): { [k: string]: Json } {
  return {
    ...request(req),
    Symbol: frames.map((f) => ({
      Column: f.column,
      Discriminator: f.discriminator,
      FileName: f.file ?? '',
      FunctionName: f.function ?? '',
      Line: f.line,
      StartAddress: f.startAddress === undefined ? '' : hex(f.startAddress),
      StartFileName: f.startFile,
      StartLine: f.startLine,
    })),
  };
}

/** llvm-symbolizer's JSON object for a data request. */
export function jsonData(req: Request, answer: DataAnswer): { [k: string]: Json } {
  return {
    ...request(req),
    Data: answer.found ? { Name: answer.symbol.name, Size: hex(answer.symbol.size), Start: hex(answer.symbol.start) } : { Name: '', Size: '0x0', Start: '0x0' },
  };
}

/** llvm-symbolizer's JSON object for an error (a module it could not read, a line it could not parse). */
export function jsonError(req: Request, message: string): { [k: string]: Json } {
  return { ...request(req), Error: { Message: message } };
}
