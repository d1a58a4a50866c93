import type { CodeAnswer, DataAnswer, Frame } from '@elfkit/symbolize';
import { HEX_DIGITS, putDecimal, type TextOut } from '../io/text-out.js';
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

/** What a miss prints: llvm-symbolizer's one frame with nothing known. */
export const MISS_FRAMES: readonly LineInfo[] = [{ line: 0, column: 0, discriminator: 0, startFile: '', startLine: 0 }];

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
  if (!answer.found) return MISS_FRAMES;
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

/**
 * The last module written: its name and the bytes that follow an address,
 * `","ModuleName":"…","Symbol":[` (a pipe names one module line after line).
 */
let lastModule: { name: string; bytes: Uint8Array } | undefined;

/** `0x` and the hex digits of `v`, as `'0x' + v.toString(16)`. */
function hexAddress(out: TextOut, v: bigint): void {
  if (v >= 0n && v <= 0x1fffffffffffffn) out.hex(Number(v), 0);
  else out.ascii('0x' + v.toString(16));
}

/** Constant pieces of a code line's JSON, encoded once. */
const ADDRESS = encoder.encode('{"Address":"');
const COLUMN = encoder.encode('{"Column":');
const NEXT_COLUMN = encoder.encode(',{"Column":');
const DISCRIMINATOR = encoder.encode(',"Discriminator":');
const FILE_NAME = encoder.encode(',"FileName":');
const FUNCTION_NAME = encoder.encode(',"FunctionName":');
const LINE = encoder.encode(',"Line":');
const START_ADDRESS = encoder.encode(',"StartAddress":"');
const START_FILE_NAME = encoder.encode('","StartFileName":');
const NO_START_ADDRESS = encoder.encode(',"StartAddress":"","StartFileName":');
const START_LINE = encoder.encode(',"StartLine":');
/** A frame's start up to its file name when column and discriminator are 0 (every frame of Go code): one copy. */
const NO_COLUMN = encoder.encode('{"Column":0,"Discriminator":0,"FileName":');
const NEXT_NO_COLUMN = encoder.encode(',{"Column":0,"Discriminator":0,"FileName":');

/** Copies `b` to `buf` at `p`; returns the position after it. */
function put(buf: Uint8Array, p: number, b: Uint8Array): number {
  const n = b.length;
  // A loop for the short constants; the runtime's copy for paths (a loop costs ~4x as much for 45 bytes).
  if (n < 32) for (let i = 0; i < n; i++) buf[p + i] = b[i]!;
  else buf.set(b, p);
  return p + n;
}

/** The decimal digits of `v` at `p` (as `String(v)`); returns the position after them. */
function putNumber(buf: Uint8Array, p: number, v: number): number {
  if (v >= 0 && v <= 0x7fffffff && v === Math.floor(v)) return putDecimal(buf, p, v);
  const t = String(v);
  for (let i = 0; i < t.length; i++) buf[p + i] = t.charCodeAt(i);
  return p + t.length;
}

/** `0x` and the hex digits of `v` at `p` (as `'0x' + v.toString(16)`), or -1 when `v` is outside [0, 2^53). */
function putAddress(buf: Uint8Array, p: number, v: bigint): number {
  if (v < 0n || v > 0x1fffffffffffffn) return -1;
  let x = Number(v);
  buf[p] = 0x30;
  buf[p + 1] = 0x78;
  if (x <= 0xffffffff) {
    // (integer operations: every address of a binary below 4 GiB)
    const end = p + 2 + (x === 0 ? 1 : (35 - Math.clz32(x)) >> 2);
    for (let i = end - 1; i >= p + 2; i--, x >>>= 4) buf[i] = HEX_DIGITS[x & 15]!;
    return end;
  }
  let n = 1;
  for (let t = x; t >= 16; t = Math.floor(t / 16)) n++;
  const end = p + 2 + n;
  for (let i = end - 1; i >= p + 2; i--) {
    buf[i] = HEX_DIGITS[x % 16]!;
    x = Math.floor(x / 16);
  }
  return end;
}

/** Strings JSON.stringify writes as they are, between quotes: printable ASCII without `"` and `\\`. */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * llvm-symbolizer's compact JSON line for a code request (the same text as
 * `jsonText(jsonCode(req, frames), 0)` and a newline), written as bytes
 * straight into `out`: no string per field, no rope to flatten and encode
 * (a pipe of 100,000 addresses otherwise made ~130 MB of string pieces).
 * Each frame is one reservation of the most it can take; a name that is not
 * printable ASCII, or a number or address out of the fast range, goes
 * through JSON.stringify or String. `count`: how many of `frames` (the
 * first) are the answer's.
 */
export function codeJsonInto(out: TextOut, req: Request, frames: readonly LineInfo[], count = frames.length): void {
  if (lastModule?.name !== req.module) lastModule = { name: req.module, bytes: encoder.encode(`","ModuleName":${JSON.stringify(req.module)},"Symbol":[`) };
  const m = lastModule.bytes;
  if (req.address !== undefined) {
    out.raw(ADDRESS);
    hexAddress(out, req.address);
    out.raw(m);
  } else out.byte(0x7b).raw(m, 2);
  for (let i = 0; i < count; i++) {
    const f = frames[i]!;
    const file = quotedPath(f.file ?? '');
    const startFile = quotedPath(f.startFile ?? '');
    const name = f.function ?? '';
    // Constants (~130 bytes), five numbers of up to 24 characters, an address of up to 42, the paths and the name.
    const buf = out.reserve(320 + file.length + startFile.length + name.length);
    let p = out.position;
    if (f.column === 0 && f.discriminator === 0) p = put(buf, p, i ? NEXT_NO_COLUMN : NO_COLUMN);
    else {
      p = put(buf, p, i ? NEXT_COLUMN : COLUMN);
      p = putNumber(buf, p, f.column);
      p = put(buf, p, DISCRIMINATOR);
      p = putNumber(buf, p, f.discriminator);
      p = put(buf, p, FILE_NAME);
    }
    p = put(buf, p, file);
    p = put(buf, p, FUNCTION_NAME);
    out.commit(p);
    // A name JSON leaves as it is, by one native copy (see TextOut.long); else as JSON.stringify spells it.
    if (PLAIN_JSON.test(name)) out.byte(0x22).long(name).byte(0x22);
    else out.utf8(JSON.stringify(name));
    // (room is there already unless the name took the slow path)
    const buf2 = out.reserve(320 + startFile.length);
    p = out.position;
    p = put(buf2, p, LINE);
    p = putNumber(buf2, p, f.line);
    if (f.startAddress !== undefined) {
      p = put(buf2, p, START_ADDRESS);
      const at = putAddress(buf2, p, f.startAddress);
      if (at < 0) {
        // Beyond 2^53 (at most 0x and 16 digits for a 64-bit address): within the room reserved.
        const t = '0x' + f.startAddress.toString(16);
        for (let k = 0; k < t.length; k++) buf2[p++] = t.charCodeAt(k);
      } else p = at;
      p = put(buf2, p, START_FILE_NAME);
    } else p = put(buf2, p, NO_START_ADDRESS);
    p = put(buf2, p, startFile);
    p = put(buf2, p, START_LINE);
    p = putNumber(buf2, p, f.startLine);
    buf2[p++] = 0x7d;
    out.commit(p);
  }
  out.ascii(']}\n');
}
