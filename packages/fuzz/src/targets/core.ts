// Core files: the notes of a process (NT_PRSTATUS, PRPSINFO, SIGINFO,
// AUXV, FILE, register sets) and the process they describe — threads,
// memory, modules found through NT_FILE and in-memory ELF headers — with
// every thread unwound, as `elfkit core` does.
import { BytesSource } from '@elfkit/binary';
import { CoreProcess, type CoreHost } from '@elfkit/core';
import { ElfFile, constants as C, decodeCoreNote } from '@elfkit/elf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { repoRoot } from '@elfkit/fixtures';
import { defineTarget } from '../target.js';

const ARCHES = ['aarch64', 'arm', 'i386'];
const coreFixture = (name: string) => new Uint8Array(gunzipSync(readFileSync(join(repoRoot, 'fixtures', 'core', name))));

/** Bytes kept at the top of a large memory segment (the stack): its live frames and the zeros just below them. */
const KEEP = 16 << 10;

/**
 * The core with each memory segment larger than {@link KEEP} cut to its
 * last KEEP bytes (p_vaddr moved up by the cut), the segments laid out
 * again in file order. A qemu core holds the guest's whole 8 MB stack, all
 * zeros but its last 2.3 KB: copying, watching and parsing 8.4 MB per input
 * ran about 50 inputs a second, and every byte a mutation could reach that
 * matters is kept (notes, program headers, the live stack, the code pages).
 */
export function smallCore(bytes: Uint8Array): Uint8Array {
  const elf = ElfFile.parse(bytes);
  const segs = [...elf.segments].sort((a, b) => a.offset - b.offset);
  const loads = segs.filter((p) => p.type === C.PT_LOAD && p.filesz > 0);
  if (!loads.some((p) => p.filesz > KEEP)) return bytes;
  // Everything before the first segment's data (header, program headers, notes) stays where it is.
  const head = Math.min(...loads.map((p) => p.offset));
  const parts: { from: number; size: number; to: number }[] = [];
  let end = head;
  const moved = new Map<number, { offset: number; vaddr: bigint; filesz: number; memsz: bigint }>();
  for (const p of loads) {
    const cut = p.filesz > KEEP ? p.filesz - KEEP : 0;
    const to = Math.ceil(end / 4096) * 4096;
    parts.push({ from: p.offset + cut, size: p.filesz - cut, to });
    moved.set(p.index, { offset: to, vaddr: p.vaddr + BigInt(cut), filesz: p.filesz - cut, memsz: p.memsz - BigInt(cut) });
    end = to + p.filesz - cut;
  }
  const out = new Uint8Array(end);
  out.set(bytes.subarray(0, head));
  for (const x of parts) out.set(bytes.subarray(x.from, x.from + x.size), x.to);
  const h = elf.header;
  for (const p of elf.segments) {
    const m = moved.get(p.index);
    // The notes stay put; a segment with no file bytes keeps its offset, inside the shorter file.
    elf.layouts.programHeader.write(out, h.phoff + p.index * h.phentsize, m ? { p_offset: m.offset, p_vaddr: m.vaddr, p_filesz: m.filesz, p_memsz: m.memsz } : { p_offset: Math.min(p.offset, end) });
  }
  return out;
}

/** The qemu cores of fixtures/core with their executables, served by a host as `/exe`. */
function coreSeeds() {
  return ARCHES.map((arch) => {
    const bytes = smallCore(coreFixture(`${arch}-qemu.core.gz`));
    const exe = coreFixture(`${arch}-qemu-crash.gz`);
    const elf = ElfFile.parse(bytes);
    const fields: { offset: number; size: number; kind: 'uint' }[] = [];
    const regions: [number, number][] = [];
    // The note segments word by word, and the program headers.
    for (const p of elf.segments) {
      if (p.type === C.PT_NOTE) {
        regions.push([p.offset, p.offset + p.filesz]);
        for (let at = p.offset; at < p.offset + p.filesz; at += 4) fields.push({ offset: at, size: 4, kind: 'uint' });
      }
    }
    regions.push([elf.header.phoff, elf.header.phoff + elf.header.phnum * elf.header.phentsize]);
    return { name: `core/${arch}-qemu.core`, bytes, order: elf.header.order, fields, regions, context: exe };
  });
}

export const coreProcess = defineTarget({
  name: 'core',
  describe: 'core files: process and thread notes, memory, modules from NT_FILE and in-memory ELF headers, every thread unwound',
  resizable: false,
  seeds: coreSeeds,
  run: (input, seed, p) => {
    const exe = seed.context;
    const host: CoreHost = { open: (path) => (path === '/exe' ? new BytesSource(exe) : undefined) };
    const proc = p.attempt(() => CoreProcess.open(input, { host, exe: '/exe' }));
    if (!proc) return 0;
    let frames = 0;
    for (const t of p.attempt(() => proc.threads) ?? []) {
      p.attempt(() => proc.registers(t));
      frames += p.attempt(() => proc.backtrace(t).frames.length) ?? 0;
    }
    p.attempt(() => proc.executable?.bias);
    p.attempt(() => proc.memory.read(0x400000n, 64));
    for (const e of proc.problems) p.check(e);
    return frames;
  },
});

/** Core notes on their own: each note's descriptor is the input, decoded as its type and machine say. */
export const coreNoteTarget = defineTarget({
  name: 'core-notes',
  describe: 'core note descriptors on their own: NT_PRSTATUS (x86-64, i386, AArch64, ARM, RISC-V layouts), PRPSINFO, SIGINFO, AUXV, FILE',
  resizable: true,
  seeds: () =>
    ARCHES.flatMap((arch) => {
      const elf = ElfFile.parse(coreFixture(`${arch}-qemu.core.gz`));
      return elf.notes().map((n, i) => ({
        name: `core/${arch}-qemu.core note ${i} (${n.owner} ${n.type})`,
        bytes: n.desc.slice(),
        order: elf.header.order,
        fields: [],
        context: { note: n, bits: elf.bits, machine: elf.header.machine },
      }));
    }),
  run: (input, seed, p) => {
    const { note, bits, machine } = seed.context;
    return p.attempt(() => decodeCoreNote({ ...note, desc: input }, seed.order, bits, machine));
  },
});

/** The core file targets. */
export const coreTargets = [coreProcess, coreNoteTarget];
