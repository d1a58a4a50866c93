import type { CodeAnswer, DataAnswer, Frame } from '@elfkit/symbolize';
import type { TextOut } from '../io/text-out.js';
import type { SymbolizeOptions } from './options.js';

/** LLVM's DILineInfo as the printers see it: undefined name or file is LLVM's `<invalid>`. */
export interface LineInfo {
  function?: string;
  file?: string;
  line: number;
  column: number;
  discriminator: number;
  /** Undefined prints as empty (LLVM's default StartFileName). */
  startFile?: string;
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
export function framesToPrint(answer: CodeAnswer, o: SymbolizeOptions): readonly LineInfo[] {
  if (!answer.found) return [EMPTY];
  // Frames print as they are unless a path or naming option changes them (no copy per address then).
  const plain = !o.basenames && !o.relativenames && o.functions !== 'none';
  const frames: readonly LineInfo[] = plain ? answer.frames : answer.frames.map((f) => info(f, o));
  if (o.inlines) return frames;
  if (o.styleGiven && o.style === 'GNU') return [frames[0]!];
  const inner = frames[0]!;
  const outer = answer.frames[answer.frames.length - 1]!;
  const sym = o.functions === 'linkage' ? answer.symbol : undefined;
  return [{ ...inner, function: sym ? outer.function : inner.function, startAddress: sym ? sym.start : inner === frames[frames.length - 1] ? inner.startAddress : undefined }];
}

/** LLVM and GNU plain text for a code request. */
export function plainCode(req: Request, frames: readonly LineInfo[], o: SymbolizeOptions): string {
  let out = header(req, o);
  frames.forEach((f, i) => {
    if (o.functions !== 'none') out += (o.pretty && i > 0 ? ' (inlined by) ' : '') + (f.function ?? '??') + (o.pretty ? ' at ' : '\n');
    const file = f.file ?? '??';
    if (o.verbose) {
      out += `  Filename: ${file}\n`;
      if (f.startLine) out += `  Function start filename: ${f.startFile ?? ''}\n  Function start line: ${f.startLine}\n`;
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

/** A JSON value; every object here is built with its keys in sorted order, as LLVM's json::Object prints them. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** The JSON text (native JSON.stringify keeps the sorted insertion order; `indent` 2 is LLVM's --pretty-print). */
export function jsonText(v: Json, indent: number): string {
  return JSON.stringify(v, null, indent || undefined);
}

/** A request's fields and one more, keys in sorted order. */
function request(req: Request, key: 'Data' | 'Error' | 'Symbol', value: Json): { [k: string]: Json } {
  const o: { [k: string]: Json } = {};
  if (req.address !== undefined) o.Address = hex(req.address);
  if (key === 'Data' || key === 'Error') o[key] = value;
  o.ModuleName = req.module;
  if (key === 'Symbol') o.Symbol = value;
  return o;
}

/** llvm-symbolizer's JSON object for a code request. */
export function jsonCode(req: Request, frames: readonly LineInfo[]): { [k: string]: Json } {
  return request(
    req,
    'Symbol',
    frames.map((f) => ({
      Column: f.column,
      Discriminator: f.discriminator,
      FileName: f.file ?? '',
      FunctionName: f.function ?? '',
      Line: f.line,
      StartAddress: f.startAddress === undefined ? '' : hex(f.startAddress),
      StartFileName: f.startFile ?? '',
      StartLine: f.startLine,
    })),
  );
}

/** llvm-symbolizer's JSON object for a data request. */
export function jsonData(req: Request, answer: DataAnswer): { [k: string]: Json } {
  return request(req, 'Data', answer.found ? { Name: answer.symbol.name, Size: hex(answer.symbol.size), Start: hex(answer.symbol.start) } : { Name: '', Size: '0x0', Start: '0x0' });
}

/** llvm-symbolizer's JSON object for an error (a module it could not read, a line it could not parse). */
export function jsonError(req: Request, message: string): { [k: string]: Json } {
  return request(req, 'Error', { Message: message });
}

const encoder = new TextEncoder();

/** Source paths as UTF-8 JSON strings: a binary has far fewer paths than answers, each quoted and encoded once (up to 65,536 of them). */
const quotedPaths = new Map<string, Uint8Array>();

function quotedPath(p: string): Uint8Array {
  let q = quotedPaths.get(p);
  if (q === undefined) {
    q = encoder.encode(JSON.stringify(p));
    if (quotedPaths.size < 1 << 16) quotedPaths.set(p, q);
  }
  return q;
}

/** The last module name written, quoted and encoded (a pipe names one module line after line). */
let lastModule: { name: string; bytes: Uint8Array } | undefined;

/** `s` as a JSON string: printable ASCII without quotes or backslashes copied as it is, anything else through JSON.stringify. */
function jsonString(out: TextOut, s: string): void {
  const n = s.length;
  const buf = out.reserve(n + 2);
  let p = out.position;
  buf[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) {
      out.utf8(JSON.stringify(s));
      return;
    }
    buf[p++] = c;
  }
  buf[p++] = 0x22;
  out.commit(p);
}

/** `0x` and the hex digits of `v`, as `'0x' + v.toString(16)`. */
function hexAddress(out: TextOut, v: bigint): void {
  if (v >= 0n && v <= 0x1fffffffffffffn) out.hex(Number(v), 0);
  else out.ascii('0x' + v.toString(16));
}

/**
 * llvm-symbolizer's compact JSON line for a code request (the same text as
 * `jsonText(jsonCode(req, frames), 0)` and a newline), written as bytes
 * straight into `out`: no string per field, no rope to flatten and encode
 * (a pipe of 100,000 addresses otherwise made ~130 MB of string pieces).
 */
export function codeJsonInto(out: TextOut, req: Request, frames: readonly LineInfo[]): void {
  if (req.address !== undefined) {
    out.ascii('{"Address":"');
    hexAddress(out, req.address);
    out.ascii('","ModuleName":');
  } else out.ascii('{"ModuleName":');
  if (lastModule?.name !== req.module) lastModule = { name: req.module, bytes: encoder.encode(JSON.stringify(req.module)) };
  out.raw(lastModule.bytes).ascii(',"Symbol":[');
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    out.ascii(i ? ',{"Column":' : '{"Column":').dec(f.column).ascii(',"Discriminator":').dec(f.discriminator).ascii(',"FileName":').raw(quotedPath(f.file ?? '')).ascii(',"FunctionName":');
    jsonString(out, f.function ?? '');
    out.ascii(',"Line":').dec(f.line);
    if (f.startAddress !== undefined) {
      out.ascii(',"StartAddress":"');
      hexAddress(out, f.startAddress);
      out.ascii('","StartFileName":');
    } else out.ascii(',"StartAddress":"","StartFileName":');
    out.raw(quotedPath(f.startFile ?? '')).ascii(',"StartLine":').dec(f.startLine).byte(0x7d);
  }
  out.ascii(']}\n');
}
