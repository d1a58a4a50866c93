import { FieldBytes } from './fields.js';
import type { GLayout } from './runtime-layout.js';
import type { Target } from './target.js';

/** A `runtime.g` as read from memory: the fields the traceback and the listing use. */
export interface GRecord {
  /** The g's address. */
  readonly address: bigint;
  readonly goid: bigint;
  /** `atomicstatus` with the `_Gscan` bit. */
  readonly rawStatus: number;
  readonly m: bigint;
  readonly stackLo: bigint;
  readonly stackHi: bigint;
  readonly sched: { readonly pc: bigint; readonly sp: bigint; readonly lr: bigint; readonly bp: bigint };
  readonly syscallSp: bigint;
  readonly syscallPc: bigint;
  readonly waitReason?: number;
  /** nanotime when it started waiting, as the runtime recorded it (0: not recorded). */
  readonly waitSince: bigint;
  readonly goPc: bigint;
  readonly startPc: bigint;
  readonly parentGoid?: bigint;
  readonly lockedM: bigint;
  readonly labels: bigint;
}

/** Reads the g at `address` in one piece; undefined when its bytes are not in the image. */
export function readG(target: Target, layout: GLayout, address: bigint): GRecord | undefined {
  const bytes = target.memory.read(address, layout.size);
  if (!bytes) return undefined;
  const f = new FieldBytes(bytes, target.order);
  return {
    address,
    goid: f.uint(layout.goid),
    rawStatus: Number(f.uint(layout.status)),
    m: f.uint(layout.m),
    stackLo: f.uint(layout.stackLo),
    stackHi: f.uint(layout.stackHi),
    sched: { pc: f.uint(layout.schedPc), sp: f.uint(layout.schedSp), lr: f.opt(layout.schedLr) ?? 0n, bp: f.opt(layout.schedBp) ?? 0n },
    syscallSp: f.uint(layout.syscallSp),
    syscallPc: f.uint(layout.syscallPc),
    waitReason: layout.waitReason ? Number(f.uint(layout.waitReason)) : undefined,
    waitSince: layout.waitSince ? f.int(layout.waitSince) : 0n,
    goPc: f.uint(layout.goPc),
    startPc: f.uint(layout.startPc),
    parentGoid: f.opt(layout.parentGoid),
    lockedM: f.opt(layout.lockedM) ?? 0n,
    labels: f.opt(layout.labels) ?? 0n,
  };
}
