import { Reader } from '@elfkit/binary';
import { auxvTypeName, parseNotes, readFileNote, readSigInfo, type ElfFile, type Note } from '@elfkit/elf';
import * as E from '@elfkit/elf/constants';
import type { Damage } from '../damage.js';
import { machineCoreLayout, type CoreItem, type ItemType, type MachineCoreLayout, type RegisterLocation } from './core-note-layouts.js';

// `eu-readelf -n` on a core file (elfutils 0.188 src/readelf.c: handle_notes,
// handle_core_items, handle_core_registers, handle_auxv_note,
// handle_siginfo_note, handle_file_note), line for line.

const ITEM_INDENT = 4;
const WRAP_COLUMN = 75;

/** The note type names eu-readelf prints for a core (`ebl_core_note_type_name`). */
const CORE_TYPE_NAMES: Record<number, string> = {
  1: 'PRSTATUS', 2: 'FPREGSET', 3: 'PRPSINFO', 4: 'TASKSTRUCT', 5: 'PLATFORM', 6: 'AUXV', 7: 'GWINDOWS', 8: 'ASRS',
  10: 'PSTATUS', 13: 'PSINFO', 14: 'PRCRED', 15: 'UTSNAME', 16: 'LWPSTATUS', 17: 'LWPSINFO', 20: 'PRFPXREG',
  0x46e62b7f: 'PRXFPREG', 0x100: 'PPC_VMX', 0x101: 'PPC_SPE', 0x102: 'PPC_VSX', 0x10c: 'PPC_TM_SPR',
  0x200: '386_TLS', 0x201: '386_IOPERM', 0x202: 'X86_XSTATE',
  0x300: 'S390_HIGH_GPRS', 0x301: 'S390_TIMER', 0x302: 'S390_TODCMP', 0x303: 'S390_TODPREG', 0x304: 'S390_CTRS',
  0x305: 'S390_PREFIX', 0x306: 'S390_LAST_BREAK', 0x307: 'S390_SYSTEM_CALL',
  0x400: 'ARM_VFP', 0x401: 'ARM_TLS', 0x402: 'ARM_HW_BREAK', 0x403: 'ARM_HW_WATCH', 0x404: 'ARM_SYSTEM_CALL',
  0x53494749: 'SIGINFO', 0x46494c45: 'FILE',
};

/** eu-readelf's name for a core note type (`<unknown>: 517` otherwise). */
export function coreNoteTypeName(type: number): string {
  return CORE_TYPE_NAMES[type] ?? `<unknown>: ${type >>> 0}`;
}

/** eu-readelf's auxv formats (libebl/eblauxvinfo.c): p/x/s hex, u unsigned, d signed, '' zero-or-hex, b bit names. */
const AUXV_FORMATS: Record<number, string> = {
  0: '', 1: '', 2: 'd', 31: 's', 3: 'p', 4: 'u', 5: 'u', 6: 'u', 7: 'p', 8: 'x', 9: 'p', 10: '', 11: 'u', 12: 'u', 13: 'u',
  14: 'u', 17: 'u', 15: 's', 24: 's', 16: 'x', 18: 'x', 19: 'd', 20: 'd', 21: 'd', 22: '', 23: 'u', 32: 'p', 33: 'p',
  34: 'd', 35: 'd', 36: 'd', 37: 'd', 25: 'p',
};
const AUXV_EXTRA_NAMES: Record<number, string> = { 34: 'L1I_CACHESHAPE', 35: 'L1D_CACHESHAPE', 36: 'L2_CACHESHAPE', 37: 'L3_CACHESHAPE' };

const SIZES: Record<ItemType, number> = { BYTE: 1, HALF: 2, WORD: 4, SWORD: 4, XWORD: 8, SXWORD: 8 };

/** The output of print_core_item: a line-wrapping writer of `name: value` items. */
class ItemWriter {
  out = '';
  colno = 0;

  item(sep: string, nameWidth: number, name: string, value: string, valueLength = value.length): void {
    const len = name.length;
    if (nameWidth < len) nameWidth = len;
    const n = nameWidth + 2 + valueLength;
    if (this.colno === 0) {
      this.out += ' '.repeat(ITEM_INDENT);
      this.colno = ITEM_INDENT + n;
    } else if (this.colno + 2 + n < WRAP_COLUMN) {
      this.out += `${sep} `;
      this.colno += 2 + n;
    } else {
      this.out += '\n' + ' '.repeat(ITEM_INDENT);
      this.colno = ITEM_INDENT + n;
    }
    this.out += `${name}: ${' '.repeat(nameWidth - len)}${value}`;
  }

  /** Ends a group: the next item starts a line. */
  breakLine(): void {
    this.colno = WRAP_COLUMN;
  }
}

const hex = (v: bigint, digits: number) => v.toString(16).padStart(digits, '0');

/** The common NT_PRSTATUS items (linux-core-note.c), for a word size and the machine's types. */
function prstatusItems(w: 4 | 8, layout: MachineCoreLayout): CoreItem[] {
  const ulong: ItemType = w === 8 ? 'XWORD' : 'WORD';
  const ids = 16 + 2 * w;
  const times = ids + 16;
  const regs = times + 8 * w;
  return [
    { name: 'info.si_signo', group: 'signal', offset: 0, type: 'SWORD', format: 'd' },
    { name: 'info.si_code', group: 'signal', offset: 4, type: 'SWORD', format: 'd' },
    { name: 'info.si_errno', group: 'signal', offset: 8, type: 'SWORD', format: 'd' },
    { name: 'cursig', group: 'signal', offset: 12, type: 'HALF', format: 'd' },
    { name: 'sigpend', group: 'signal2', offset: 16, type: ulong, format: 'B' },
    { name: 'sighold', group: 'signal3', offset: 16 + w, type: ulong, format: 'B' },
    { name: 'pid', group: 'identity', offset: ids, type: layout.pidType, format: 'd' },
    { name: 'ppid', group: 'identity', offset: ids + 4, type: layout.pidType, format: 'd' },
    { name: 'pgrp', group: 'identity', offset: ids + 8, type: layout.pidType, format: 'd' },
    { name: 'sid', group: 'identity', offset: ids + 12, type: layout.pidType, format: 'd' },
    { name: 'utime', group: 'time', offset: times, type: ulong, format: 'T', count: 2 },
    { name: 'stime', group: 'time', offset: times + 2 * w, type: ulong, format: 'T', count: 2 },
    { name: 'cutime', group: 'time', offset: times + 4 * w, type: ulong, format: 'T', count: 2 },
    { name: 'cstime', group: 'time', offset: times + 6 * w, type: ulong, format: 'T', count: 2 },
    ...layout.prstatusItems.map((i) => ({ ...i, offset: regs + i.offset })),
    { name: 'fpvalid', group: 'register', offset: regs + layout.regsSize, type: 'SWORD', format: 'd' },
  ];
}

/** The common NT_PRPSINFO items. */
function prpsinfoItems(w: 4 | 8, layout: MachineCoreLayout): CoreItem[] {
  const ulong: ItemType = w === 8 ? 'XWORD' : 'WORD';
  const uid = SIZES[layout.uidType];
  const at = 4 + (w === 8 ? 4 : 0) + w;
  const pid = at + 2 * uid;
  return [
    { name: 'state', group: 'state', offset: 0, type: 'BYTE', format: 'd' },
    { name: 'sname', group: 'state', offset: 1, type: 'BYTE', format: 'c' },
    { name: 'zomb', group: 'state', offset: 2, type: 'BYTE', format: 'd' },
    { name: 'nice', group: 'state', offset: 3, type: 'BYTE', format: 'd' },
    { name: 'flag', group: 'state', offset: at - w, type: ulong, format: 'x' },
    { name: 'uid', group: 'identity', offset: at, type: layout.uidType, format: 'd' },
    { name: 'gid', group: 'identity', offset: at + uid, type: layout.uidType, format: 'd' },
    { name: 'pid', group: 'identity', offset: pid, type: layout.pidType, format: 'd' },
    { name: 'ppid', group: 'identity', offset: pid + 4, type: layout.pidType, format: 'd' },
    { name: 'pgrp', group: 'identity', offset: pid + 8, type: layout.pidType, format: 'd' },
    { name: 'sid', group: 'identity', offset: pid + 12, type: layout.pidType, format: 'd' },
    { name: 'fname', group: 'command', offset: pid + 16, type: 'BYTE', format: 's', count: 16 },
    { name: 'psargs', group: 'command', offset: pid + 32, type: 'BYTE', format: 's', count: 80 },
  ];
}

function readValue(r: Reader, type: ItemType, offset: number): bigint {
  r.pos = offset;
  switch (type) {
    case 'BYTE':
      return BigInt(r.u8());
    case 'HALF':
      return BigInt(r.u16());
    case 'WORD':
    case 'SWORD':
      return BigInt(r.u32());
    default:
      return r.u64();
  }
}

/** A signal set as eu-readelf's 'B' format: `<>`, `<1,4-6>`, `~<9,19>` for mostly-set sets. */
function bitSet(words: number[]): string {
  const nbits = words.length * 32;
  let pop = 0;
  for (const x of words) for (let v = x >>> 0; v; v &= v - 1) pop++;
  const negate = pop > nbits / 2;
  let p = '';
  let lastbit = 0;
  let run = 0;
  words.forEach((x, i) => {
    let bit = i * 32;
    let w = (negate ? ~x : x) >>> 0;
    while (w !== 0) {
      const n = 32 - Math.clz32(w & -w); // ffs
      w = n < 32 ? w >>> n : 0;
      bit += n;
      if (lastbit !== 0 && lastbit + 1 === bit) run++;
      else {
        if (lastbit === 0) p += `${bit}`;
        else if (run === 0) p += `,${bit}`;
        else p += `-${lastbit},${bit}`;
        run = 0;
      }
      lastbit = bit;
    }
  });
  if (lastbit > 0 && run > 0 && lastbit + 1 !== nbits) p += `-${lastbit}`;
  return negate ? `~<${p}>` : `<${p}>`;
}

function formatItem(r: Reader, item: CoreItem): { text: string; length?: number } {
  const t = item.type;
  switch (item.format) {
    case 'd': {
      const v = readValue(r, t, item.offset);
      if (t === 'BYTE' || t === 'HALF') return { text: String(v) };
      return { text: String(BigInt.asIntN(SIZES[t] * 8, v)) };
    }
    case 'x': {
      const v = readValue(r, t, item.offset);
      switch (t) {
        case 'BYTE':
          return { text: `0x${hex(v, 2)}` };
        case 'HALF':
          return { text: `0x${hex(v, 4)}` };
        case 'WORD':
          return { text: `0x${hex(v, 8)}` };
        case 'XWORD':
          return { text: `0x${hex(v, 16)}` };
        default:
          return { text: String(BigInt.asIntN(SIZES[t] * 8, v)) };
      }
    }
    case 'B': {
      const v = readValue(r, t, item.offset);
      const words = SIZES[t] === 8 ? [Number(v & 0xffffffffn), Number(v >> 32n)] : [Number(v)];
      return { text: bitSet(words) };
    }
    case 'T': {
      const size = SIZES[t];
      const sec = readValue(r, t, item.offset);
      const usec = readValue(r, t, item.offset + size);
      return { text: `${sec}.${usec.toString().padStart(6, '0')}` };
    }
    case 'c': {
      const v = Number(readValue(r, 'BYTE', item.offset));
      // printf("%c", 0) writes a NUL, which the "%s" that prints the item stops at: nothing shows, one column counts.
      return v === 0 ? { text: '', length: 1 } : { text: String.fromCharCode(v) };
    }
    case 's': {
      r.pos = item.offset;
      const b = r.bytesView(item.count ?? 1);
      const nul = b.indexOf(0);
      return { text: new TextDecoder('latin1').decode(nul < 0 ? b : b.subarray(0, nul)) };
    }
  }
}

/** handle_core_items: items sorted into groups (groups by their first offset), each group ending its line. */
function writeItems(w: ItemWriter, r: Reader, items: readonly CoreItem[]): void {
  if (!items.length) return;
  const sorted = [...items].sort((a, b) => (a.group === b.group ? a.offset - b.offset : a.group < b.group ? -1 : 1));
  const groups: CoreItem[][] = [];
  for (const it of sorted) {
    const g = groups[groups.length - 1];
    if (g && g[0]!.group === it.group) g.push(it);
    else groups.push([it]);
  }
  groups.sort((a, b) => a[0]!.offset - b[0]!.offset);
  for (const g of groups) {
    for (const it of g) {
      const { text, length } = formatItem(r, it);
      w.item(',', 0, it.name, text, length);
    }
    w.breakLine();
  }
}

interface RegEntry {
  loc: RegisterLocation;
  regno: number;
  name: string;
  set: string;
  bits: number;
  type: 'signed' | 'unsigned' | 'address' | 'float';
}

function registerInfo(layout: MachineCoreLayout, regno: number, loc: RegisterLocation): Omit<RegEntry, 'loc' | 'regno'> {
  const info = layout.registerInfo(regno);
  if (!info) return { name: `reg${loc.regno}`, set: '??? unrecognized', bits: loc.bits, type: 'unsigned' };
  return { name: info.name, set: info.set, bits: info.bits > 0 ? info.bits : loc.bits, type: info.type };
}

const bitpos = (e: RegEntry) => e.loc.offset * 8 + (e.regno - e.loc.regno) * (e.loc.bits + (e.loc.pad ?? 0) * 8);

/** handle_core_registers: registers in sets (same set name and width), sets by width then position, names aligned per set. */
function writeRegisters(w: ItemWriter, r: Reader, base: number, layout: MachineCoreLayout, locs: readonly RegisterLocation[], littleEndian: boolean): void {
  if (!locs.length) return;
  const regs: RegEntry[] = [];
  for (const loc of locs) for (let regno = loc.regno; regno < loc.regno + loc.count; regno++) regs.push({ loc, regno, ...registerInfo(layout, regno, loc) });
  regs.sort((a, b) => (a.set === b.set ? 0 : a.set < b.set ? -1 : 1) || b.bits - a.bits || bitpos(a) - bitpos(b));
  const sameSet = (a: RegEntry | undefined, b: RegEntry | undefined) => !!a && !!b && a.bits === b.bits && a.set === b.set;
  const starts: number[] = [0];
  for (let i = 1; i < regs.length; i++) if (!sameSet(regs[i], regs[i - 1])) starts.push(i);
  starts.sort((a, b) => regs[b]!.bits - regs[a]!.bits || bitpos(regs[a]!) - bitpos(regs[b]!));
  for (const s of starts) {
    let end = s;
    let maxname = 0;
    while (end < regs.length && sameSet(regs[s], regs[end])) maxname = Math.max(maxname, regs[end++]!.name.length);
    for (let i = s; i < end; i += regs[i]!.loc.count || 1) {
      const loc = regs[i]!.loc;
      let at = base + loc.offset;
      for (let regno = loc.regno; regno < loc.regno + loc.count; regno++) {
        const info = registerInfo(layout, regno, loc);
        const { text, size } = registerValue(r, at, info.bits, info.type, littleEndian);
        w.item(' ', maxname, info.name, text);
        at += size + (loc.pad ?? 0);
      }
    }
    w.breakLine();
  }
}

function registerValue(r: Reader, at: number, bits: number, type: RegEntry['type'], littleEndian: boolean): { text: string; size: number } {
  const size = bits / 8;
  r.pos = at;
  if (type === 'signed' || type === 'unsigned' || type === 'address') {
    if (bits === 128) {
      const a = r.u64();
      const b = r.u64();
      const [lo, hi] = littleEndian ? [a, b] : [b, a];
      return { text: `0x${hex(hi, 16)}${hex(lo, 16)}`, size };
    }
    const v = size === 1 ? BigInt(r.u8()) : size === 2 ? BigInt(r.u16()) : size === 4 ? BigInt(r.u32()) : r.u64();
    if (type === 'signed') {
      const width = { 1: 4, 2: 6, 4: 11, 8: 20 }[size]!;
      return { text: String(BigInt.asIntN(bits, v)).padStart(width), size };
    }
    const prefix = { 1: '', 2: '', 4: ' ', 8: '  ' }[size]!;
    return { text: `${prefix}0x${hex(v, size * 2)}`, size };
  }
  const bytes = r.bytesView(size);
  let h = '';
  for (let i = 0; i < size; i++) h += bytes[littleEndian ? size - 1 - i : i]!.toString(16).padStart(2, '0');
  return { text: `0x${h}`, size };
}

function writeAuxv(note: Note, elf: ElfFile, hwcap: readonly string[] | undefined): string {
  const w = elf.bits / 8;
  const r = new Reader(note.desc, { order: elf.header.order, addressSize: w });
  let out = '';
  const n = Math.floor(note.desc.length / (2 * w));
  for (let i = 0; i < n; i++) {
    const type = w === 8 ? r.u64() : BigInt(r.u32());
    const val = w === 8 ? r.u64() : BigInt(r.u32());
    const t = Number(type);
    const name = t === 26 || t === 27 || t === 28 || t === 51 ? undefined : (auxvTypeName(t) ?? AUXV_EXTRA_NAMES[t]);
    const fmt = name === undefined ? undefined : t === 16 && hwcap ? 'b' : AUXV_FORMATS[t];
    if (name === undefined || fmt === undefined) {
      out += val === 0n ? `    ${type}\n` : `    ${type}: 0x${val.toString(16)}\n`;
      continue;
    }
    const hx = val === 0n ? '0' : `0x${val.toString(16)}`;
    switch (fmt) {
      case '':
        out += val === 0n ? `    ${name}\n` : `    ${name}: ${hx}\n`;
        break;
      case 'u':
        out += `    ${name}: ${val}\n`;
        break;
      case 'd':
        out += `    ${name}: ${BigInt.asIntN(64, val)}\n`;
        break;
      case 'b': {
        out += `    ${name}: ${hx}  `;
        let pfx = '<';
        hwcap!.forEach((bitName, bit) => {
          if (val & (1n << BigInt(bit))) {
            out += pfx + bitName;
            pfx = ' ';
          }
        });
        out += '>\n';
        break;
      }
      default:
        out += `    ${name}: ${hx}\n`;
    }
  }
  return out;
}

function writeSiginfo(note: Note, elf: ElfFile): string {
  if (note.desc.length < 12) return '    Not enough data in NT_SIGINFO note.\n';
  const r = new Reader(note.desc, { order: elf.header.order, addressSize: elf.bits / 8 });
  let s;
  try {
    s = readSigInfo(r, elf.bits);
  } catch {
    return '    Not enough data in NT_SIGINFO note.\n';
  }
  let out = `    si_signo: ${s.signo}, si_errno: ${s.errno}, si_code: ${s.code}\n`;
  if (s.faultAddress !== undefined) out += `    fault address: ${s.faultAddress === 0n ? '0' : `0x${s.faultAddress.toString(16)}`}\n`;
  else if (s.code === 0 && s.senderPid !== undefined) out += `    sender PID: ${s.senderPid}, sender UID: ${s.senderUid! | 0}\n`;
  return out;
}

function writeFileNote(note: Note, elf: ElfFile): string {
  const r = new Reader(note.desc, { order: elf.header.order, addressSize: elf.bits / 8 });
  let f;
  try {
    f = readFileNote(r);
  } catch {
    return '    Not enough data in NT_FILE note.\n';
  }
  let out = `    ${f.files.length} files:\n`;
  for (const m of f.files) {
    const head = `      ${hex(m.start, 8)}-${hex(m.end, 8)} ${hex(m.offset, 8)} ${m.end - m.start}`;
    out += `${head}${' '.repeat(head.length > 50 ? 3 : 53 - head.length)}${m.path}\n`;
  }
  return out;
}

/** handle_core_note: the items, then the registers, of a note eu-readelf's backend describes. */
function writeCoreNote(note: Note, elf: ElfFile, layout: MachineCoreLayout | undefined): string {
  if (!layout || (note.owner !== 'CORE' && note.owner !== 'LINUX')) return '';
  const bits = elf.bits;
  const wsize = (bits / 8) as 4 | 8;
  const le = elf.header.order === 'little';
  const r = new Reader(note.desc, { order: elf.header.order, addressSize: wsize });
  let items: CoreItem[] = [];
  let regs: readonly RegisterLocation[] = [];
  let regsOffset = 0;
  if (note.type === 1) {
    items = prstatusItems(wsize, layout);
    const size = items[items.length - 1]!.offset + 4 + (wsize === 8 ? 4 : 0);
    if (note.desc.length !== size) return '';
    regs = layout.prstatusRegs;
    regsOffset = 16 + 2 * wsize + 16 + 8 * wsize;
  } else if (note.type === 3) {
    items = prpsinfoItems(wsize, layout);
    const last = items[items.length - 1]!;
    const size = last.offset + 80 + ((last.offset + 80) % wsize ? wsize - ((last.offset + 80) % wsize) : 0);
    if (note.desc.length !== size) return '';
  } else if (note.type === 2 && layout.fpregset && note.desc.length === layout.fpregset.size) {
    regs = layout.fpregset.regs;
    items = [...(layout.fpregset.items ?? [])];
  } else return '';
  const w = new ItemWriter();
  writeItems(w, r, items);
  let out = w.out;
  if (w.colno !== 0) out += '\n';
  const rw = new ItemWriter();
  writeRegisters(rw, r, regsOffset, layout, regs, le);
  out += rw.out;
  if (rw.colno !== 0) out += '\n';
  return out;
}

/** What `eu-readelf -n` prints for a core file: note sections when it has section headers (gdb's cores do), else PT_NOTE segments. */
export function coreNotesText(elf: ElfFile, damage?: Damage): string {
  const layout = machineCoreLayout(elf.header.machine, elf.bits);
  let out = '';
  const hexOffset = (v: number) => (v === 0 ? '0' : `0x${v.toString(16)}`);
  // With `damage`, a note that does not decode, or a note area damaged part way, is reported and the rest still printed.
  const attempt = <T>(fn: () => T, fallback: T): T => (damage ? damage.attempt(fn, fallback) : fn());
  const writeNotes = (read: (into: Note[]) => void) => {
    const notes: Note[] = [];
    attempt(() => read(notes), undefined);
    out += '  Owner          Data size  Type\n';
    for (const n of notes) {
      out += `  ${n.owner.slice(0, 13).padEnd(13)}  ${String(n.desc.length).padStart(9)}  ${coreNoteTypeName(n.type)}\n`;
      if (n.owner === 'CORE' && n.type === 6) out += attempt(() => writeAuxv(n, elf, layout?.hwcap), '');
      else if (n.owner === 'CORE' && n.type === 0x53494749) out += attempt(() => writeSiginfo(n, elf), '');
      else if (n.owner === 'CORE' && n.type === 0x46494c45) out += attempt(() => writeFileNote(n, elf), '');
      else out += attempt(() => writeCoreNote(n, elf, layout), '');
    }
  };
  if (elf.sections.length > 0) {
    for (const s of elf.sections) {
      if (s.type !== E.SHT_NOTE) continue;
      out += `\nNote section [${String(s.index).padStart(2)}] '${s.name}' of ${s.size} bytes at offset ${hexOffset(s.offset)}:\n`;
      writeNotes((into) => parseNotes(elf.sectionData(s), elf.header.order, s.addralign, { section: s.name, label: s.label, fileOffset: s.offset }, into));
    }
    return out;
  }
  for (const p of elf.segments) {
    if (p.type !== E.PT_NOTE) continue;
    out += `\nNote segment of ${p.filesz} bytes at offset ${hexOffset(p.offset)}:\n`;
    writeNotes((into) => parseNotes(elf.segmentData(p), elf.header.order, p.align === 8n ? 8 : 4, { segment: p.index, fileOffset: p.offset }, into));
  }
  return out;
}
