// Call frame information: .eh_frame and .debug_frame entries (CIEs with
// every augmentation, FDEs with every pointer encoding), the CFA programs
// run into unwind rows, lookups through .eh_frame_hdr's search table, and
// the register-rule expressions evaluated.
import * as D from '@elfkit/dwarf';
import { constants as C } from '@elfkit/elf';
import { FieldList } from '../fields.js';
import { fixtureElf } from '../sources.js';
import { defineTarget, type Probe, type Seed } from '../target.js';

type Part = { bytes: Uint8Array; address: bigint };

/** What a frame section needs besides its bytes: where it and its siblings are, and the machine. */
interface CfiContext {
  readonly section: '.eh_frame' | '.debug_frame' | '.eh_frame_hdr';
  readonly order: 'little' | 'big';
  readonly addressSize: number;
  readonly machine: number;
  readonly ehFrame?: Part;
  readonly ehFrameHdr?: Part;
  readonly debugFrame?: Part;
  /** Pcs to look up: entries of the intact file's FDEs, their middles and ends. */
  readonly pcs: readonly bigint[];
}

const FIXTURES = ['c/gcc-O2', 'c/clang-O2', 'c/gcc-m32', 'c/gcc-aarch64', 'cpp/gxx-dwarf5', 'obj/s390x.o', 'obj/arm64.o', 'go/go1.27-amd64', 'go/go1.19-386'];

/** Each entry's initial length and CIE id or pointer, and the bytes after them (augmentation, encodings, ranges). */
function entryFields(bytes: Uint8Array, order: 'little' | 'big'): FieldList {
  const f = new FieldList(bytes.length);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0, n = 0; at + 8 <= bytes.length && n < 400; n++) {
    const len = dv.getUint32(at, order === 'little');
    f.uint(at, 4).uint(at + 4, 4);
    for (let k = 8; k < 24; k++) f.uint(at + k, 1);
    if (len === 0 || len === 0xffffffff) break;
    at += 4 + len;
  }
  return f;
}

function cfiSeeds(): Seed<CfiContext>[] {
  const seeds: Seed<CfiContext>[] = [];
  for (const name of FIXTURES) {
    const elf = fixtureElf(name);
    const data = (n: string): Part | undefined => {
      const s = elf.section(n);
      return s && s.type !== C.SHT_NOBITS ? { bytes: elf.sectionData(s), address: s.addr } : undefined;
    };
    // A static binary's or Go's .eh_frame/.debug_frame is cut to its first entries: the rest is the same shapes again.
    const cut = (p: Part | undefined) => (p ? { ...p, bytes: p.bytes.subarray(0, 0x4000) } : undefined);
    const ehFrame = cut(data('.eh_frame'));
    const debugFrame = cut(data('.debug_frame') ?? data('.zdebug_frame'));
    const ehFrameHdr = data('.eh_frame_hdr');
    const base = { order: elf.header.order, addressSize: elf.bits / 8, machine: elf.header.machine, ehFrame, ehFrameHdr, debugFrame };
    const pcs: bigint[] = [];
    const cfi = new D.CallFrameInfo({ ehFrame, ehFrameHdr, debugFrame }, base);
    for (const s of [cfi.ehFrame, cfi.debugFrame]) {
      if (!s) continue;
      try {
        for (const e of s.entries()) if (e.kind === 'fde' && pcs.length < 48) pcs.push(e.initialLocation, e.initialLocation + e.addressRange / 2n, e.initialLocation + e.addressRange);
      } catch {
        // a cut section ends mid-entry: the entries before are enough
      }
    }
    for (const [section, part] of [
      ['.eh_frame', ehFrame],
      ['.debug_frame', debugFrame],
      ['.eh_frame_hdr', ehFrameHdr],
    ] as const) {
      if (!part) continue;
      const fields = section === '.eh_frame_hdr' ? new FieldList(part.bytes.length).uints(0, 4, Math.min(64, part.bytes.length >> 2)) : entryFields(part.bytes, base.order);
      seeds.push({ name: `${name} ${section}`, bytes: part.bytes, order: base.order, fields: fields.fields, context: { ...base, section, pcs } });
    }
  }
  return seeds;
}

/** Registers and memory for evaluating rule expressions: every register and word has a value. */
function machineState(ctx: CfiContext): D.EvaluationContext {
  return {
    addressSize: ctx.addressSize,
    order: ctx.order,
    register: (n) => 0x7ff0_0000n + BigInt(n) * 8n,
    memory: (address, size) => (address & 0xfffn) * BigInt(size),
    cfa: 0x7fff_0000n,
  };
}

/** Reads everything an unwinder and `elfkit dwarf frames` read. */
function readCfi(input: Uint8Array, ctx: CfiContext, p: Probe): number {
  const parts = {
    ehFrame: ctx.section === '.eh_frame' ? { bytes: input, address: ctx.ehFrame!.address } : ctx.ehFrame,
    ehFrameHdr: ctx.section === '.eh_frame_hdr' ? { bytes: input, address: ctx.ehFrameHdr!.address } : ctx.ehFrameHdr,
    debugFrame: ctx.section === '.debug_frame' ? { bytes: input } : ctx.debugFrame,
  };
  const cfi = p.attempt(() => new D.CallFrameInfo(parts, ctx));
  if (!cfi) return 0;
  let rows = 0;
  const state = machineState(ctx);
  const evaluate = (bytes: Uint8Array, initial: bigint[]) =>
    p.attempt(() => {
      try {
        D.evaluateExpression(bytes, state, initial, 1000);
      } catch (e) {
        if (!(e instanceof D.EvaluationError)) throw e;
      }
    });
  for (const s of [cfi.ehFrame, cfi.debugFrame]) {
    if (!s) continue;
    p.attempt(() => {
      for (const e of s.entries()) {
        if (e.kind !== 'fde') continue;
        p.attempt(() => {
          for (const row of D.unwindRows(e, s.instructions(e.cie), s.instructions(e), { machine: ctx.machine })) {
            if (++rows > 20000) return;
            if (row.cfa.kind === 'expression') evaluate(row.cfa.expression, []);
            for (const r of row.registers.values()) if ('expression' in r && r.expression) evaluate(r.expression, [0x7fff_0000n]);
          }
        });
      }
    });
  }
  if (cfi.hdr) for (let i = 0; i < Math.min(cfi.hdr.fdeCount, 64); i++) p.attempt(() => cfi.hdr!.entry(i));
  for (const pc of ctx.pcs) {
    p.attempt(() => cfi.unwindInfo(pc));
    p.attempt(() => cfi.hdr?.lookup(pc));
  }
  return rows;
}

export const dwarfCfi = defineTarget({
  name: 'dwarf-cfi',
  describe: 'call frame information: .eh_frame and .debug_frame CIEs/FDEs, CFA programs to unwind rows, .eh_frame_hdr lookups, rule expressions evaluated',
  resizable: true,
  seeds: cfiSeeds,
  run: (input, seed, p) => readCfi(input, seed.context, p),
});

/** The call frame targets. */
export const cfiTargets = [dwarfCfi];
