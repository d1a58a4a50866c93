// A pclntab assembler for tests: lays out header, name, CU, file and pc
// tables, the function table and `_func` records of each format, in either
// byte order, with 4- or 8-byte pointers and any PC quantum, plus inline
// trees in a separate memory region (go:func.* from 1.18, absolute pointers
// before).
import { PcLnTable, type PclnFormat } from '../dist/index.js';

/** One source row of a synthetic function: from `pc` (offset from the entry) on, `file:line`. */
export interface SynthRow {
  pc: number;
  file: string;
  line: number;
}

/** An inlined call: PCs in [start, end) (offsets) are inside `name`, called from `parentPc`. */
export interface SynthInline {
  name: string;
  start: number;
  end: number;
  parentPc: number;
  /** Index of the enclosing inlined call, -1 for the function itself. */
  parent: number;
  startLine: number;
}

export interface SynthFunc {
  name: string;
  /** Offset of the entry from the text start. */
  entry: number;
  size: number;
  rows: SynthRow[];
  args?: number;
  startLine?: number;
  /** pcsp as rows [pc offset, value]. */
  sp?: [number, number][];
  inline?: SynthInline[];
}

export interface SynthOptions {
  format: PclnFormat;
  order: 'little' | 'big';
  ptrSize: 4 | 8;
  quantum: 1 | 2 | 4;
  textStart: number;
  funcs: SynthFunc[];
  /** Address of the pclntab, and of the memory that holds inline trees. */
  address: number;
  memory: number;
}

class Out {
  bytes: number[] = [];
  constructor(
    readonly le: boolean,
    readonly ptr: number,
  ) {}
  get pos() {
    return this.bytes.length;
  }
  u8(v: number) {
    this.bytes.push(v & 0xff);
  }
  u16(v: number) {
    const b = [v & 0xff, (v >>> 8) & 0xff];
    this.bytes.push(...(this.le ? b : b.reverse()));
  }
  u32(v: number) {
    const b = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    this.bytes.push(...(this.le ? b : b.reverse()));
  }
  word(v: number, size = this.ptr) {
    if (size === 4) return this.u32(v);
    const lo = v % 0x1_0000_0000;
    const hi = Math.floor(v / 0x1_0000_0000);
    if (this.le) {
      this.u32(lo);
      this.u32(hi);
    } else {
      this.u32(hi);
      this.u32(lo);
    }
  }
  setU32(at: number, v: number) {
    const save = this.bytes;
    this.bytes = [];
    this.u32(v);
    save.splice(at, 4, ...this.bytes);
    this.bytes = save;
  }
  setWord(at: number, v: number, size = this.ptr) {
    const save = this.bytes;
    this.bytes = [];
    this.word(v, size);
    save.splice(at, size, ...this.bytes);
    this.bytes = save;
  }
  cstr(s: string) {
    for (const b of new TextEncoder().encode(s)) this.u8(b);
    this.u8(0);
  }
  align(n: number) {
    while (this.bytes.length % n) this.u8(0);
  }
  uvarint(v: number) {
    v >>>= 0;
    while (v >= 0x80) {
      this.u8((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.u8(v);
  }
}

/** A pcvalue table from [pc offset, value] steps covering [0, size). */
function pcvalue(o: Out, all: [number, number][], size: number, quantum: number) {
  // Go's encoder merges runs of one value: a zero delta would end the table.
  const steps = all.filter((s, i) => i === 0 || s[1] !== all[i - 1]![1]);
  let val = -1;
  for (let i = 0; i < steps.length; i++) {
    const [pc, v] = steps[i]!;
    const end = i + 1 < steps.length ? steps[i + 1]![0] : size;
    const d = v - val;
    o.uvarint(d < 0 ? ((~d << 1) | 1) >>> 0 : d << 1);
    o.uvarint((end - pc) / quantum);
    val = v;
  }
  o.u8(0);
}

/** Assembles a pclntab and its inline-tree memory. */
export function synthesize(opts: SynthOptions): { pclntab: Uint8Array; memory: Uint8Array; gofunc: number } {
  const { format, order, ptrSize, quantum } = opts;
  const le = order === 'little';
  const o = new Out(le, ptrSize);
  const mem = new Out(le, ptrSize);
  const isNew = format !== '1.2';
  const rel = format === '1.18' || format === '1.20';
  const magic = { '1.2': 0xfffffffb, '1.16': 0xfffffffa, '1.18': 0xfffffff0, '1.20': 0xfffffff1 }[format];
  const n = opts.funcs.length;
  const fieldSize = rel ? 4 : ptrSize;
  const inlPcdata = 2;
  const inlFuncdata = format === '1.2' ? 4 : 3;
  // Values patched in once the tables they point at are laid out.
  const patches: { at: number; get: () => number; size: number }[] = [];
  const patchesMem: { at: number; get: () => number }[] = [];
  const later = (get: () => number, size = 4) => {
    patches.push({ at: o.pos, get, size });
    o.word(0, size);
  };
  o.u32(magic);
  o.u8(0);
  o.u8(0);
  o.u8(quantum);
  o.u8(ptrSize);
  const allFiles = [...new Set(opts.funcs.flatMap((f) => f.rows.map((r) => r.file)))];
  const funcFiles = opts.funcs.map((f) => [...new Set(f.rows.map((r) => r.file))]);
  const nameOff = new Map<string, number>();
  const fileNameOff = new Map<string, number>();
  const cuOffsets: number[] = [];
  const tabs: { pcsp: number; pcfile: number; pcln: number; inl: number }[] = [];
  const offs = { names: 0, cutab: 0, filetab: 0, pctab: 0, functab: 0, filetab12: 0 };
  const emitNames = () => {
    if (isNew) offs.names = o.pos;
    for (const f of opts.funcs) {
      for (const s of [f.name, ...(f.inline ?? []).map((c) => c.name)]) {
        if (!nameOff.has(s)) {
          nameOff.set(s, o.pos - offs.names);
          o.cstr(s);
        }
      }
    }
  };
  const emitFiles = () => {
    offs.cutab = o.pos;
    const cuAt: [number, string][] = [];
    let k = 0;
    for (const files of funcFiles) {
      cuOffsets.push(k);
      for (const file of files) {
        cuAt.push([o.pos, file]);
        o.u32(0);
        k++;
      }
    }
    offs.filetab = o.pos;
    for (const file of allFiles) {
      fileNameOff.set(file, o.pos - offs.filetab);
      o.cstr(file);
    }
    for (const [at, file] of cuAt) o.setU32(at, fileNameOff.get(file)!);
  };
  const emitTables = () => {
    offs.pctab = isNew ? o.pos : 0;
    // A pad byte first so that no table sits at offset 0 ("no table").
    o.u8(0);
    opts.funcs.forEach((f, i) => {
      const fileNo = (file: string) => (isNew ? funcFiles[i]!.indexOf(file) : allFiles.indexOf(file) + 1);
      const t = { pcsp: o.pos - offs.pctab, pcfile: 0, pcln: 0, inl: 0 };
      pcvalue(o, f.sp ?? [[0, 0]], f.size, quantum);
      t.pcfile = o.pos - offs.pctab;
      pcvalue(o, f.rows.map((r) => [r.pc, fileNo(r.file)]), f.size, quantum);
      t.pcln = o.pos - offs.pctab;
      pcvalue(o, f.rows.map((r) => [r.pc, r.line]), f.size, quantum);
      if (f.inline?.length) {
        // The innermost inlined call at each PC (the latest-starting range that holds it).
        const steps: [number, number][] = [];
        for (let pc = 0; pc < f.size; pc += quantum) {
          let ix = -1;
          f.inline.forEach((c, k) => {
            if (pc >= c.start && pc < c.end && (ix < 0 || c.start >= f.inline![ix]!.start)) ix = k;
          });
          if (steps.length === 0 || steps[steps.length - 1]![1] !== ix) steps.push([pc, ix]);
        }
        t.inl = o.pos - offs.pctab;
        pcvalue(o, steps, f.size, quantum);
      }
      tabs.push(t);
    });
  };
  const header = o.pos;
  for (let i = 0; i < (format === '1.2' ? 1 : format === '1.16' ? 7 : 8); i++) o.word(0);
  if (isNew) {
    emitNames();
    emitFiles();
    emitTables();
    o.align(ptrSize);
  }
  // The function table: 1.2 right after the header, else after the tables.
  offs.functab = o.pos;
  const entryField = (e: number) => (rel ? e : opts.textStart + e);
  const funcoffAt: number[] = [];
  for (const f of opts.funcs) {
    o.word(entryField(f.entry), fieldSize);
    funcoffAt.push(o.pos);
    o.word(0, fieldSize);
  }
  const last = opts.funcs[n - 1]!;
  o.word(entryField(last.entry + last.size), fieldSize);
  if (!isNew) later(() => offs.filetab12);
  const base = isNew ? offs.functab : 0;
  opts.funcs.forEach((f, i) => {
    o.align(ptrSize);
    o.setWord(funcoffAt[i]!, o.pos - base, fieldSize);
    if (rel) o.u32(f.entry);
    else o.word(opts.textStart + f.entry);
    later(() => nameOff.get(f.name)!);
    o.u32(f.args ?? 0);
    o.u32(0); // deferreturn
    later(() => tabs[i]!.pcsp);
    later(() => tabs[i]!.pcfile);
    later(() => tabs[i]!.pcln);
    const inl = f.inline?.length ?? 0;
    const npcdata = inl ? inlPcdata + 1 : 0;
    const nfuncdata = inl ? inlFuncdata + 1 : 0;
    o.u32(npcdata);
    if (isNew) o.u32(cuOffsets[i]!);
    if (format === '1.20') o.u32(f.startLine ?? 0);
    o.u8(0); // funcID
    o.u8(0); // flag
    o.u8(0);
    o.u8(nfuncdata);
    for (let k = 0; k < npcdata; k++) {
      if (k === inlPcdata) later(() => tabs[i]!.inl);
      else o.u32(0);
    }
    if (!inl) return;
    mem.align(4);
    const tree = mem.pos;
    for (const c of f.inline!) {
      if (format === '1.20') {
        mem.u32(0); // funcID, pad
        patchesMem.push({ at: mem.pos, get: () => nameOff.get(c.name)! });
        mem.u32(0);
        mem.u32(c.parentPc);
        mem.u32(c.startLine);
      } else {
        mem.u16(c.parent & 0xffff);
        mem.u16(0); // funcID, pad
        mem.u32(0); // file
        mem.u32(0); // line
        patchesMem.push({ at: mem.pos, get: () => nameOff.get(c.name)! });
        mem.u32(0);
        mem.u32(c.parentPc);
      }
    }
    if (rel) {
      for (let k = 0; k < nfuncdata; k++) o.u32(k === inlFuncdata ? tree : 0xffffffff);
    } else {
      // Before 1.18 funcdata are pointers, 8-aligned in memory on 64-bit.
      if (ptrSize === 8 && (opts.address + o.pos) % 8 !== 0) o.u32(0);
      for (let k = 0; k < nfuncdata; k++) o.word(k === inlFuncdata ? opts.memory + tree : 0);
    }
  });
  if (!isNew) {
    emitNames();
    emitTables();
    // The 1.2 file table: a count, then pclntab offsets of names (entry 0 unused).
    const at = allFiles.map((file) => {
      const p = o.pos;
      o.cstr(file);
      return p;
    });
    o.align(4);
    offs.filetab12 = o.pos;
    o.u32(allFiles.length + 1); // slot 0 holds the count: file numbers start at 1
    for (const p of at) o.u32(p);
  }
  for (const p of patches) o.setWord(p.at, p.get(), p.size);
  for (const p of patchesMem) mem.setU32(p.at, p.get());
  o.setWord(header, n);
  if (isNew) {
    let w = 1;
    const words = [allFiles.length, ...(rel ? [0] : []), offs.names, offs.cutab, offs.filetab, offs.pctab, offs.functab];
    for (const v of words) o.setWord(8 + ptrSize * w++, v);
  }
  return { pclntab: new Uint8Array(o.bytes), memory: new Uint8Array(mem.bytes), gofunc: opts.memory };
}

/** Assembles a pclntab as {@link synthesize} does and parses it, its inline trees read from the assembled memory. */
export function synthesizeTable(opts: SynthOptions): PcLnTable {
  const s = synthesize(opts);
  return PcLnTable.parse(s.pclntab, {
    textStart: BigInt(opts.textStart),
    address: BigInt(opts.address),
    gofunc: BigInt(opts.memory),
    read: (a, n) => {
      const off = Number(a) - opts.memory;
      return off >= 0 && off + n <= s.memory.length ? s.memory.subarray(off, off + n) : undefined;
    },
  });
}
