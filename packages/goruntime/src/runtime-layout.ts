import { isParseError } from '@elfkit/binary';
import type { DwarfType, DwarfTypes } from '@elfkit/dwarf';
import { GoRuntimeError } from './errors.js';

/** Where a field of a runtime structure is: its offset and size in bytes. */
export interface Field {
  readonly offset: number;
  readonly size: number;
}

/** A global variable of the runtime: its link-time address and size. */
export interface GlobalVariable {
  readonly address: bigint;
  readonly size: number;
}

/** A `[N]string` table of the runtime (`waitReasonStrings`, `gStatusStrings`). */
export interface StringTable {
  readonly address: bigint;
  readonly count: number;
  /** Bytes per element (a string header: two words). */
  readonly stride: number;
}

/** The fields of `runtime.g` this reader uses. */
export interface GLayout {
  readonly size: number;
  readonly stackLo: Field;
  readonly stackHi: Field;
  readonly m: Field;
  readonly schedSp: Field;
  readonly schedPc: Field;
  readonly schedLr?: Field;
  readonly schedBp?: Field;
  readonly syscallSp: Field;
  readonly syscallPc: Field;
  readonly status: Field;
  readonly goid: Field;
  readonly waitSince?: Field;
  readonly waitReason?: Field;
  readonly goPc: Field;
  readonly startPc: Field;
  /** Go 1.21+. */
  readonly parentGoid?: Field;
  readonly lockedM?: Field;
  readonly labels?: Field;
}

/** The fields of `runtime.m` this reader uses. */
export interface MLayout {
  readonly size: number;
  readonly g0: Field;
  readonly gsignal?: Field;
  readonly curg: Field;
  readonly procid: Field;
  readonly id: Field;
  readonly p?: Field;
  readonly lockedG?: Field;
  readonly allLink: Field;
  readonly spinning?: Field;
  readonly blocked?: Field;
  readonly vdsoSp?: Field;
  readonly vdsoPc?: Field;
  readonly libcallSp?: Field;
  readonly libcallPc?: Field;
  readonly libcallG?: Field;
  readonly incgo?: Field;
}

/**
 * The runtime's layouts and globals as this binary's own DWARF describes
 * them — never a table per Go release: `runtime.g` and `runtime.m` field
 * offsets (through atomic wrappers such as `atomicstatus.value`), the
 * goroutine status constants (`runtime._Gwaiting`…), and the addresses of
 * `runtime.allgs`, `runtime.allm`, `runtime.waitReasonStrings` and
 * `runtime.gStatusStrings`. Addresses are link-time: add the load bias.
 */
export class RuntimeLayout {
  readonly g: GLayout;
  readonly m: MLayout;
  /** `runtime.p.id`, when `runtime.p` is described. */
  readonly pId?: Field;
  /** `runtime.allgs` (a `[]*g`: pointer, length, capacity). */
  readonly allgs: GlobalVariable;
  /** `runtime.allglen`, when present (the length the runtime trusts during a crash). */
  readonly allglen?: GlobalVariable;
  readonly allm?: GlobalVariable;
  readonly waitReasonStrings?: StringTable;
  readonly gStatusStrings?: StringTable;
  /** `runtime.buildVersion` (a string). */
  readonly buildVersion?: GlobalVariable;
  /** Clock readings the runtime keeps (nanotime): `sched.lastpoll`, `work.tstart`, `memstats.last_gc_nanotime`. */
  readonly clocks: readonly { readonly name: string; readonly address: bigint; readonly size: number }[];
  /** The goroutine status constants by name (`_Gwaiting` → 4), from DW_TAG_constant. */
  readonly statuses: ReadonlyMap<string, number>;

  private constructor(types: DwarfTypes) {
    const gType = structType(types, 'runtime.g');
    const mType = structType(types, 'runtime.m');
    const need = (t: DwarfType, name: string, path: string) => {
      const f = scalar(t, path);
      if (!f) throw new GoRuntimeError('unsupported', `${name} has no field ${path} in the DWARF`);
      return f;
    };
    const g = (p: string) => need(gType, 'runtime.g', p);
    const m = (p: string) => need(mType, 'runtime.m', p);
    this.g = {
      size: gType.size ?? 0,
      stackLo: g('stack.lo'),
      stackHi: g('stack.hi'),
      m: g('m'),
      schedSp: g('sched.sp'),
      schedPc: g('sched.pc'),
      schedLr: scalar(gType, 'sched.lr'),
      schedBp: scalar(gType, 'sched.bp'),
      syscallSp: g('syscallsp'),
      syscallPc: g('syscallpc'),
      status: g('atomicstatus'),
      goid: g('goid'),
      waitSince: scalar(gType, 'waitsince'),
      waitReason: scalar(gType, 'waitreason'),
      goPc: g('gopc'),
      startPc: g('startpc'),
      parentGoid: scalar(gType, 'parentGoid'),
      lockedM: scalar(gType, 'lockedm'),
      labels: scalar(gType, 'labels'),
    };
    this.m = {
      size: mType.size ?? 0,
      g0: m('g0'),
      gsignal: scalar(mType, 'gsignal'),
      curg: m('curg'),
      procid: m('procid'),
      id: m('id'),
      p: scalar(mType, 'p'),
      lockedG: scalar(mType, 'lockedg'),
      allLink: m('alllink'),
      spinning: scalar(mType, 'spinning'),
      blocked: scalar(mType, 'blocked'),
      vdsoSp: scalar(mType, 'vdsoSP'),
      vdsoPc: scalar(mType, 'vdsoPC'),
      libcallSp: scalar(mType, 'libcallsp'),
      libcallPc: scalar(mType, 'libcallpc'),
      libcallG: scalar(mType, 'libcallg'),
      incgo: scalar(mType, 'incgo'),
    };
    const pType = types.findType('runtime.p');
    this.pId = pType ? scalar(pType, 'id') : undefined;
    const allgs = global(types, 'runtime.allgs');
    if (!allgs) throw new GoRuntimeError('unsupported', 'the DWARF has no address for runtime.allgs');
    this.allgs = allgs;
    this.allglen = global(types, 'runtime.allglen');
    this.allm = global(types, 'runtime.allm');
    this.waitReasonStrings = stringTable(types, 'runtime.waitReasonStrings');
    this.gStatusStrings = stringTable(types, 'runtime.gStatusStrings');
    this.buildVersion = global(types, 'runtime.buildVersion');
    const clocks: { name: string; address: bigint; size: number }[] = [];
    for (const [variable, type, path, name] of [
      ['runtime.sched', 'runtime.schedt', 'lastpoll', 'sched.lastpoll'],
      ['runtime.work', 'runtime.workType', 'tstart', 'work.tstart'],
      ['runtime.memstats', 'runtime.mstats', 'last_gc_nanotime', 'memstats.last_gc_nanotime'],
    ] as const) {
      const v = global(types, variable);
      const t = types.findType(type);
      const f = t && scalar(t, path);
      if (v && f && f.size === 8) clocks.push({ name, address: v.address + BigInt(f.offset), size: f.size });
    }
    this.clocks = clocks;
    const statuses = new Map<string, number>();
    for (const c of types.constants('runtime._G')) {
      const v = c.value;
      const name = c.name.slice('runtime.'.length);
      if (typeof v === 'bigint' || typeof v === 'number') statuses.set(name, Number(v));
    }
    this.statuses = statuses;
  }

  /**
   * Reads the layouts from `types`. Throws {@link GoRuntimeError}
   * `no-types` when the DWARF does not describe `runtime.g` at all, and
   * `unsupported` when a field every release has is missing.
   */
  static read(types: DwarfTypes): RuntimeLayout {
    try {
      return new RuntimeLayout(types);
    } catch (e) {
      if (isParseError(e)) throw new GoRuntimeError('unsupported', `the runtime's DWARF cannot be read: ${e.message}`);
      throw e;
    }
  }

  /** The layout as plain data (bigints and numbers, the statuses as pairs), for a cache: see {@link RuntimeLayout.fromFields}. */
  fields(): Record<string, unknown> {
    const { g, m, pId, allgs, allglen, allm, waitReasonStrings, gStatusStrings, buildVersion, clocks } = this;
    return { g, m, pId, allgs, allglen, allm, waitReasonStrings, gStatusStrings, buildVersion, clocks, statuses: [...this.statuses] };
  }

  /** The layout {@link fields} gave; throws a TypeError when `f` is not of that shape (a damaged cache entry). */
  static fromFields(f: Record<string, unknown>): RuntimeLayout {
    // Offsets, sizes and counts become bigints and loop bounds: only whole, non-negative numbers are a layout's.
    const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
    const isField = (v: unknown): v is Field => isRecord(v) && isCount(v.offset) && isCount(v.size);
    const isStruct = (v: unknown) => isRecord(v) && isCount(v.size) && Object.entries(v).every(([k, x]) => k === 'size' || x === undefined || isField(x));
    const isGlobal = (v: unknown) => v === undefined || (isRecord(v) && typeof v.address === 'bigint' && isCount(v.size));
    const isTable = (v: unknown) => v === undefined || (isRecord(v) && typeof v.address === 'bigint' && isCount(v.count) && isCount(v.stride));
    const ok =
      isStruct(f.g) &&
      isStruct(f.m) &&
      (f.pId === undefined || isField(f.pId)) &&
      f.allgs !== undefined &&
      [f.allgs, f.allglen, f.allm, f.buildVersion].every(isGlobal) &&
      [f.waitReasonStrings, f.gStatusStrings].every(isTable) &&
      Array.isArray(f.clocks) &&
      f.clocks.every((c) => isRecord(c) && typeof c.name === 'string' && typeof c.address === 'bigint' && isCount(c.size)) &&
      Array.isArray(f.statuses) &&
      f.statuses.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && isCount(e[1]));
    if (!ok) throw new TypeError('not a runtime layout');
    const { statuses, ...rest } = f;
    return Object.assign(Object.create(RuntimeLayout.prototype) as RuntimeLayout, rest, { statuses: new Map(statuses as [string, number][]) });
  }

  /** The value of status constant `name` (`_Gwaiting`), or `fallback` when the DWARF has none. */
  status(name: string, fallback: number): number {
    return this.statuses.get(name) ?? fallback;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function structType(types: DwarfTypes, name: string): DwarfType {
  const t = types.findType(name)?.strip();
  if (!t || (t.kind !== 'struct' && t.kind !== 'class')) throw new GoRuntimeError('no-types', `the DWARF does not describe ${name}`);
  return t;
}

/**
 * The member at `path` as a scalar: through the atomic wrappers newer
 * runtimes use (`atomic.Uint32{value}`, `atomic.Int64{_ align64; value}`)
 * down to the integer or pointer inside. Undefined when there is no such
 * member or it has no size.
 */
export function scalar(t: DwarfType, path: string): Field | undefined {
  const at = t.findMember(path);
  if (!at) return undefined;
  let offset = at.offset;
  let type = at.type?.strip();
  for (let depth = 0; type && type.kind === 'struct' && depth < 4; depth++) {
    const inner = type.findMember('value');
    if (!inner) break;
    offset += inner.offset;
    type = inner.type?.strip();
  }
  const size = type?.size;
  return size === undefined || size === 0 ? undefined : { offset, size };
}

function global(types: DwarfTypes, name: string): GlobalVariable | undefined {
  const v = types.findVariable(name);
  if (!v || v.address === undefined) return undefined;
  return { address: v.address, size: v.type?.size ?? 0 };
}

function stringTable(types: DwarfTypes, name: string): StringTable | undefined {
  const v = types.findVariable(name);
  const t = v?.type?.strip();
  if (!v || v.address === undefined || !t || t.kind !== 'array') return undefined;
  const count = t.count;
  const stride = t.element?.size;
  if (count === undefined || !stride) return undefined;
  return { address: v.address, count, stride };
}
