import { FieldBytes } from './fields.js';
import type { MLayout } from './runtime-layout.js';
import type { Target } from './target.js';

/** A `runtime.m` (an OS thread the runtime runs Go code on) as read from memory. */
export interface MRecord {
  readonly address: bigint;
  readonly id: bigint;
  /** The thread id (`m.procid`, set by the thread when it starts). */
  readonly procid: bigint;
  readonly g0: bigint;
  readonly gsignal: bigint;
  /** The goroutine it runs (0: none). */
  readonly curg: bigint;
  /** Its P (0: none). */
  readonly p: bigint;
  /** The goroutine locked to it (0: none). */
  readonly lockedG: bigint;
  readonly allLink: bigint;
  readonly spinning: boolean;
  readonly blocked: boolean;
  /** `vdsoSP`/`vdsoPC`: set while the thread is inside the vDSO. */
  readonly vdsoSp: bigint;
  readonly vdsoPc: bigint;
  readonly incgo: boolean;
}

/** Reads the m at `address` in one piece; undefined when its bytes are not in the image. */
export function readM(target: Target, layout: MLayout, address: bigint): MRecord | undefined {
  const bytes = target.memory.read(address, layout.size);
  if (!bytes) return undefined;
  const f = new FieldBytes(bytes, target.order);
  return {
    address,
    id: f.int(layout.id),
    procid: f.uint(layout.procid),
    g0: f.uint(layout.g0),
    gsignal: f.opt(layout.gsignal) ?? 0n,
    curg: f.uint(layout.curg),
    p: f.opt(layout.p) ?? 0n,
    lockedG: f.opt(layout.lockedG) ?? 0n,
    allLink: f.uint(layout.allLink),
    spinning: (f.opt(layout.spinning) ?? 0n) !== 0n,
    blocked: (f.opt(layout.blocked) ?? 0n) !== 0n,
    vdsoSp: f.opt(layout.vdsoSp) ?? 0n,
    vdsoPc: f.opt(layout.vdsoPc) ?? 0n,
    incgo: (f.opt(layout.incgo) ?? 0n) !== 0n,
  };
}
