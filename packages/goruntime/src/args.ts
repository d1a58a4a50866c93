import type { FuncAt } from './go-code.js';
import type { Target } from './target.js';

// internal/abi: the funcdata and pcdata tables that describe arguments (Go 1.17+; liveness from 1.18).
const FUNCDATA_ARG_INFO = 5;
const FUNCDATA_ARG_LIVE_INFO = 6;
const PCDATA_ARG_LIVE_INDEX = 3;
// The ArgInfo byte stream's operators and its longest possible length (TraceArgsMaxLen).
const END_SEQ = 0xff;
const START_AGG = 0xfe;
const END_AGG = 0xfd;
const DOTDOTDOT = 0xfc;
const OFFSET_TOO_LARGE = 0xfb;
const MAX_LEN = (5 * 3 + 2) * 10 + 1;

/**
 * A frame's arguments as the runtime's traceback prints them (`printArgs`):
 * the words its `FUNCDATA_ArgInfo` stream names, read at `argp` (the
 * spill slots of register arguments, or the stack arguments), `{…}` around
 * aggregates, `...` and `_` where the stream says, and a `?` after a
 * register argument whose spill slot may be stale at `symPc`
 * (`FUNCDATA_ArgLiveInfo`). The empty string for a function without the
 * stream (assembly, or a Go release before 1.17). A word that cannot be
 * read prints as `0x?`.
 */
export function frameArgs(f: FuncAt, argp: bigint, symPc: bigint, target: Target): string {
  let info: Uint8Array | undefined;
  let live: bigint | undefined;
  let liveIdx = -1;
  try {
    const at = f.fn.funcdata(FUNCDATA_ARG_INFO);
    if (at === undefined) return '';
    info = readStream(target, at + f.bias);
    const l = f.fn.funcdata(FUNCDATA_ARG_LIVE_INFO);
    live = l === undefined ? undefined : l + f.bias;
    liveIdx = f.fn.pcdataAt(PCDATA_ARG_LIVE_INDEX, Number(symPc - f.bias));
  } catch (e) {
    f.damaged(e);
    return '';
  }
  if (!info) return '';
  const startOffset = live === undefined ? 0xff : Number(target.readUint(live, 1) ?? 0xffn);
  const isLive = (off: number, slot: number): boolean => {
    if (live === undefined || liveIdx <= 0 || off < startOffset) return true;
    const bits = target.readUint(live + BigInt(liveIdx) + BigInt(slot >> 3), 1);
    return bits === undefined || (Number(bits) & (1 << (slot & 7))) !== 0;
  };
  const word = (off: number, size: number, slot: number): string => {
    let x = target.readUint(argp + BigInt(off), 8);
    if (x === undefined) return '0x?';
    if (size < 8) {
      const shift = BigInt(64 - size * 8);
      x = target.order === 'big' ? x >> shift : BigInt.asUintN(size * 8, x);
    }
    return `0x${x.toString(16)}${isLive(off, slot) ? '' : '?'}`;
  };
  let out = '';
  let start = true;
  const comma = () => {
    if (!start) out += ', ';
  };
  let slot = 0;
  for (let i = 0; i < info.length; ) {
    const o = info[i++]!;
    if (o === END_SEQ) break;
    if (o === START_AGG) {
      comma();
      out += '{';
      start = true;
      continue;
    }
    if (o === END_AGG) out += '}';
    else if (o === DOTDOTDOT) {
      comma();
      out += '...';
    } else if (o === OFFSET_TOO_LARGE) {
      comma();
      out += '_';
    } else {
      comma();
      const size = info[i++] ?? 0;
      out += word(o, size, slot);
      if (o >= startOffset) slot = (slot + 1) & 0xff;
    }
    start = false;
  }
  return out;
}

const streams = new WeakMap<Target, Map<bigint, Uint8Array | null>>();

/** The ArgInfo stream at `address` (read once per target and function). */
function readStream(target: Target, address: bigint): Uint8Array | undefined {
  let cache = streams.get(target);
  if (!cache) streams.set(target, (cache = new Map()));
  let s = cache.get(address);
  if (s === undefined) cache.set(address, (s = readStreamOnce(target, address) ?? null));
  return s ?? undefined;
}

/** The ArgInfo stream at `address`: up to its end marker, at most MAX_LEN bytes. */
function readStreamOnce(target: Target, address: bigint): Uint8Array | undefined {
  const whole = target.memory.read(address, MAX_LEN);
  if (whole) return whole;
  // Near the end of a mapping: read what there is, a byte at a time, to the end marker.
  const out: number[] = [];
  for (let i = 0; i < MAX_LEN; i++) {
    const b = target.readUint(address + BigInt(i), 1);
    if (b === undefined) return out.length ? Uint8Array.from(out) : undefined;
    out.push(Number(b));
    if (b === 0xffn) break;
  }
  return Uint8Array.from(out);
}
