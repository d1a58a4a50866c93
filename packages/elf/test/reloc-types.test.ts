import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AARCH64_RELOCS,
  ARM_RELOCS,
  I386_RELOCS,
  LOONGARCH_RELOCS,
  MIPS_RELOCS,
  PPC_RELOCS,
  PPC64_RELOCS,
  RISCV_RELOCS,
  S390_RELOCS,
  SPARC_RELOCS,
  X86_64_RELOCS,
  formatMipsExtraRelocType,
  formatRelocType,
  relocTypeFromInfo,
  relocTypeName,
  relocTypeTable,
  unrecognizedRelocType,
} from '../dist/reloc-types/index.js';

// e_machine values, with the aliases readelf maps onto the same tables.
const EM = {
  SPARC: 2, I386: 3, IAMCU: 6, MIPS: 8, MIPS_RS3_LE: 10, OLD_SPARCV9: 11, SPARC32PLUS: 18, PPC: 20, PPC64: 21,
  S390: 22, ARM: 40, SPARCV9: 43, X86_64: 62, L1OM: 180, K1OM: 181, AARCH64: 183, RISCV: 243, LOONGARCH: 258,
  S390_OLD: 0xa390,
} as const;

const ALL_TABLES: [string, string, readonly (string | undefined)[]][] = [
  ['x86-64', 'R_X86_64_', X86_64_RELOCS],
  ['i386', 'R_386_', I386_RELOCS],
  ['aarch64', 'R_AARCH64_', AARCH64_RELOCS],
  ['arm', 'R_ARM_', ARM_RELOCS],
  ['riscv', 'R_RISCV_', RISCV_RELOCS],
  ['s390', 'R_390_', S390_RELOCS],
  ['ppc64', 'R_PPC64_', PPC64_RELOCS],
  ['ppc', 'R_PPC_', PPC_RELOCS],
  ['mips', 'R_', MIPS_RELOCS],
  ['loongarch', 'R_LARCH_', LOONGARCH_RELOCS],
  ['sparc', 'R_SPARC_', SPARC_RELOCS],
];

test('known names per machine (readelf spellings, not glibc ones)', () => {
  const cases: [number, number, string][] = [
    [EM.X86_64, 7, 'R_X86_64_JUMP_SLOT'],
    [EM.X86_64, 42, 'R_X86_64_REX_GOTPCRELX'],
    [EM.X86_64, 37, 'R_X86_64_IRELATIVE'],
    [EM.X86_64, 251, 'R_X86_64_GNU_VTENTRY'],
    [EM.I386, 7, 'R_386_JUMP_SLOT'], // glibc spells it R_386_JMP_SLOT
    [EM.I386, 43, 'R_386_GOT32X'],
    [EM.I386, 200, 'R_386_USED_BY_INTEL_200'],
    [EM.IAMCU, 2, 'R_386_PC32'],
    [EM.AARCH64, 1026, 'R_AARCH64_JUMP_SLOT'],
    [EM.AARCH64, 0x403, 'R_AARCH64_RELATIVE'],
    [EM.AARCH64, 1028, 'R_AARCH64_TLS_DTPMOD64'], // glibc: R_AARCH64_TLS_DTPMOD
    [EM.AARCH64, 256, 'R_AARCH64_NULL'],
    [EM.AARCH64, 563, 'R_AARCH64_TLSDESC_LD64_LO12'],
    [EM.AARCH64, 1, 'R_AARCH64_P32_ABS32'],
    [EM.AARCH64, 182, 'R_AARCH64_P32_JUMP_SLOT'],
    [EM.ARM, 10, 'R_ARM_THM_CALL'], // glibc alias R_ARM_THM_PC22
    [EM.ARM, 22, 'R_ARM_JUMP_SLOT'],
    [EM.ARM, 25, 'R_ARM_BASE_PREL'],
    [EM.ARM, 138, 'R_ARM_THM_BF18'],
    [EM.RISCV, 5, 'R_RISCV_JUMP_SLOT'],
    [EM.RISCV, 19, 'R_RISCV_CALL_PLT'],
    [EM.RISCV, 58, 'R_RISCV_IRELATIVE'],
    [EM.S390, 11, 'R_390_JMP_SLOT'],
    [EM.S390, 65, 'R_390_PLT24DBL'],
    [EM.S390_OLD, 22, 'R_390_64'],
    [EM.PPC64, 21, 'R_PPC64_JMP_SLOT'],
    [EM.PPC64, 37, 'R_PPC64_REL30'], // glibc: R_PPC64_ADDR30
    [EM.PPC64, 124, 'R_PPC64_REL24_P9NOTOC'],
    [EM.PPC, 21, 'R_PPC_JMP_SLOT'],
    [EM.PPC, 233, 'R_PPC_VLE_ADDR20'],
    [EM.MIPS, 2, 'R_MIPS_32'],
    [EM.MIPS, 127, 'R_MIPS_JUMP_SLOT'],
    [EM.MIPS, 113, 'R_MIPS16_PC16_S1'],
    [EM.MIPS, 173, 'R_MICROMIPS_PC23_S2'],
    [EM.MIPS_RS3_LE, 18, 'R_MIPS_64'],
    [EM.LOONGARCH, 5, 'R_LARCH_JUMP_SLOT'],
    [EM.LOONGARCH, 100, 'R_LARCH_RELAX'],
    [EM.SPARCV9, 21, 'R_SPARC_JMP_SLOT'],
    [EM.SPARC, 42, 'R_SPARC_UNUSED_42'], // glibc: R_SPARC_GLOB_JMP
    [EM.SPARC32PLUS, 252, 'R_SPARC_REV32'],
  ];
  for (const [machine, type, name] of cases) assert.is(relocTypeName(machine, type), name, `${machine}/${type}`);
});

test('holes, out-of-range numbers and unknown machines give undefined', () => {
  assert.is(relocTypeName(EM.I386, 12), undefined);
  assert.is(relocTypeName(EM.X86_64, 43), undefined); // added after binutils 2.40
  assert.is(relocTypeName(EM.RISCV, 41), undefined); // R_RISCV_GNU_VTINHERIT: gone from readelf 2.40
  assert.is(relocTypeName(EM.AARCH64, 281), undefined);
  assert.is(relocTypeName(EM.X86_64, -1), undefined);
  assert.is(relocTypeName(EM.X86_64, 1.5), undefined);
  assert.is(relocTypeName(EM.X86_64, 1e9), undefined);
  assert.is(relocTypeName(0xbeef, 1), undefined);
  assert.is(relocTypeTable(0xbeef), undefined);
  assert.is(relocTypeTable(EM.L1OM), X86_64_RELOCS);
  assert.is(relocTypeTable(EM.OLD_SPARCV9), SPARC_RELOCS);
});

test('tables: right prefix, no duplicate names, frozen', () => {
  for (const [label, prefix, table] of ALL_TABLES) {
    const seen = new Set<string>();
    let count = 0;
    table.forEach((name) => {
      if (name === undefined) return;
      count++;
      assert.ok(name.startsWith(prefix), `${label}: ${name}`);
      assert.ok(/^R_[A-Z0-9_]+$/.test(name), `${label}: ${name}`);
      assert.not.ok(seen.has(name), `${label}: duplicate ${name}`);
      seen.add(name);
    });
    assert.ok(count > 40, `${label}: ${count} names`);
    assert.ok(Object.isFrozen(table), label);
  }
  for (const name of MIPS_RELOCS) if (name !== undefined) assert.ok(/^R_(MIPS|MIPS16|MICROMIPS)_/.test(name), name);
});

test('column formatting reproduces readelf printf formats', () => {
  assert.is(unrecognizedRelocType(0x2b), 'unrecognized: 2b     ');
  assert.is(unrecognizedRelocType(0x12345678), 'unrecognized: 12345678');
  assert.is(unrecognizedRelocType(0x1_0000_0005), 'unrecognized: 5      ');
  assert.is(unrecognizedRelocType(0xabcdef0123n), 'unrecognized: cdef0123');
  assert.is(formatRelocType(EM.X86_64, 7), 'R_X86_64_JUMP_SLOT    ');
  assert.is(formatRelocType(EM.X86_64, 7, false), 'R_X86_64_JUMP_SLO');
  assert.is(formatRelocType(EM.MIPS, 164), 'R_MICROMIPS_TLS_DTPREL_HI16');
  assert.is(formatRelocType(EM.X86_64, 300), 'unrecognized: 12c    ');
  assert.is(formatMipsExtraRelocType(44), 'R_MIPS_TLS_DTPREL');
  assert.is(formatMipsExtraRelocType(3), 'R_MIPS_REL32     ');
  assert.is(formatMipsExtraRelocType(200), 'unrecognized: c8     ');
});

test('relocTypeFromInfo follows readelf get_reloc_type', () => {
  assert.is(relocTypeFromInfo(EM.I386, false, 0x0000092bn), 0x2b);
  assert.is(relocTypeFromInfo(EM.X86_64, true, 0x0000000800000010n), 0x10);
  assert.is(relocTypeFromInfo(EM.AARCH64, true, 0x0000000500000402n), 0x402);
  assert.is(relocTypeFromInfo(EM.SPARCV9, true, 0x0000000012345621n), 0x21);
  assert.is(relocTypeFromInfo(EM.MIPS, true, 0x0000000d00051807n), 7);
  assert.is(relocTypeFromInfo(EM.MIPS, false, 0x00000d07n), 7);
});

// ---------------------------------------------------------------------------
// Against the real readelf: synthetic objects holding one RELA entry for every
// type number, and objects built by whatever (cross) compilers are installed.

function tool(cmd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.error ? String(r.error.message) : (r.stderr ?? '') };
}

const readelfVersion = tool('readelf', ['--version']);
const readelfWhy = !readelfVersion.ok
  ? 'readelf is not installed'
  : /\b2\.40\b/.test(readelfVersion.out.split('\n')[0] ?? '')
    ? undefined
    : `readelf is not 2.40 (${readelfVersion.out.split('\n')[0]})`;
if (readelfWhy) console.log(`  reloc-types: skipping readelf comparisons: ${readelfWhy}`);

const work = mkdtempSync(join(tmpdir(), 'elfkit-reloc-'));

/** A minimal ET_REL object: null, .rela.text (no symtab), .shstrtab, .text. */
function syntheticObject(machine: number, elf64: boolean, bigEndian: boolean, infos: bigint[]): Uint8Array {
  const ent = elf64 ? 24 : 12;
  const ehsize = elf64 ? 64 : 52;
  const shentsize = elf64 ? 64 : 40;
  const names = new TextEncoder().encode('\0.rela.text\0.shstrtab\0.text\0');
  const relaOff = ehsize;
  const strOff = relaOff + ent * infos.length;
  const shOff = (strOff + names.length + 7) & ~7;
  const buf = new Uint8Array(shOff + 4 * shentsize);
  const dv = new DataView(buf.buffer);
  const le = !bigEndian;
  const u16 = (off: number, v: number) => dv.setUint16(off, v, le);
  const u32 = (off: number, v: number) => dv.setUint32(off, v, le);
  const word = (off: number, v: number | bigint) => (elf64 ? dv.setBigUint64(off, BigInt(v), le) : u32(off, Number(v)));
  buf.set([0x7f, 0x45, 0x4c, 0x46, elf64 ? 2 : 1, bigEndian ? 2 : 1, 1]);
  u16(16, 1); // ET_REL
  u16(18, machine);
  u32(20, 1);
  word(elf64 ? 40 : 32, shOff);
  u16(elf64 ? 52 : 40, ehsize);
  u16(elf64 ? 58 : 46, shentsize);
  u16(elf64 ? 60 : 48, 4);
  u16(elf64 ? 62 : 50, 2);
  infos.forEach((info, i) => {
    word(relaOff + i * ent, i); // r_offset = entry index, to pair lines with entries
    word(relaOff + i * ent + (elf64 ? 8 : 4), info);
  });
  buf.set(names, strOff);
  const section = (i: number, name: number, type: number, flags: number, off: number, size: number, info: number, ent: number) => {
    const b = shOff + i * shentsize;
    u32(b, name);
    u32(b + 4, type);
    word(b + 8, flags);
    word(b + (elf64 ? 24 : 16), off);
    word(b + (elf64 ? 32 : 20), size);
    u32(b + (elf64 ? 44 : 28), info);
    word(b + (elf64 ? 48 : 32), 1);
    word(b + (elf64 ? 56 : 36), ent);
  };
  section(1, 1, 4 /* SHT_RELA */, 0x40, relaOff, ent * infos.length, 3, ent);
  section(2, 12, 3 /* SHT_STRTAB */, 0, strOff, names.length, 0, 0);
  section(3, 22, 1 /* SHT_PROGBITS */, 6, 0, 0, 0, 0);
  return buf;
}

interface RelocLine {
  info: bigint;
  /** The line from the Type column on. */
  rest: string;
  /** Text after "Type2: " and "Type3: " (ELF64 MIPS only). */
  extra?: [string, string];
}

/** Relocation lines of `readelf -r -W`, in order. */
function readelfRelocs(path: string): RelocLine[] {
  const r = tool('readelf', ['-r', '-W', path]);
  assert.ok(r.ok, `readelf failed on ${path}: ${r.err}`);
  const out: RelocLine[] = [];
  const lines = r.out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([0-9a-f]{8}|[0-9a-f]{16})  ([0-9a-f]{8}|[0-9a-f]{16}) /.exec(lines[i]!);
    if (!m) continue;
    const rec: RelocLine = { info: BigInt('0x' + m[2]), rest: lines[i]!.slice(m[0].length) };
    const t2 = /^ {20}Type2: (.*)$/.exec(lines[i + 1] ?? '');
    const t3 = /^ {20}Type3: (.*)$/.exec(lines[i + 2] ?? '');
    if (t2 && t3) {
      rec.extra = [t2[1]!, t3[1]!];
      i += 2;
    }
    out.push(rec);
  }
  return out;
}

/** Checks one printed line against formatRelocType; returns a message on mismatch. */
function checkLine(machine: number, elf64: boolean, rec: RelocLine): string | undefined {
  const type = relocTypeFromInfo(machine, elf64, rec.info);
  const want = formatRelocType(machine, type);
  const next = rec.rest.charAt(want.length);
  if (!rec.rest.startsWith(want) || (next !== '' && next !== ' ')) {
    return `machine ${machine} ${elf64 ? 'ELF64' : 'ELF32'} type ${type}: readelf "${rec.rest.slice(0, 40)}", ours "${want}"`;
  }
  if (elf64 && machine === EM.MIPS) {
    const types = [Number((rec.info >> 8n) & 0xffn), Number((rec.info >> 16n) & 0xffn)];
    const wants = types.map((t) => formatMipsExtraRelocType(t));
    if (!rec.extra || rec.extra[0] !== wants[0] || rec.extra[1] !== wants[1]) {
      return `MIPS64 type2/type3 ${types}: readelf ${JSON.stringify(rec.extra)}, ours ${JSON.stringify(wants)}`;
    }
  }
  return undefined;
}

const MACHINES: [machine: number, bigEndian: boolean][] = [
  [EM.X86_64, false], [EM.L1OM, false], [EM.K1OM, false], [EM.I386, false], [EM.IAMCU, false],
  [EM.AARCH64, false], [EM.ARM, false], [EM.RISCV, false], [EM.S390, true], [EM.S390_OLD, true],
  [EM.PPC64, true], [EM.PPC, true], [EM.MIPS, true], [EM.MIPS_RS3_LE, false], [EM.LOONGARCH, false],
  [EM.SPARC, true], [EM.SPARC32PLUS, true], [EM.SPARCV9, true], [EM.OLD_SPARCV9, true],
];

test('every type number prints exactly as readelf 2.40 prints it (synthetic objects)', () => {
  if (readelfWhy) return;
  let checked = 0;
  for (const [machine, bigEndian] of MACHINES) {
    for (const elf64 of [false, true]) {
      // MIPS64 little-endian r_info is byte-shuffled by readelf; exercise ELF64 MIPS big-endian only.
      if (elf64 && machine === EM.MIPS_RS3_LE) continue;
      const top = Math.max(256, (relocTypeTable(machine)?.length ?? 0) + 4);
      const infos: bigint[] = [];
      for (let t = 0; t < (elf64 ? top : 256); t++) infos.push(BigInt(t));
      if (elf64 && machine !== EM.MIPS) infos.push(0x7fffffffn, 0xffffffffn, 0x12345678n, 0x402n);
      if (elf64 && machine === EM.MIPS) infos.push(0x040302n, 0xc82ca4n, 0xff0100n, 0x051807n);
      if (machine === EM.SPARCV9) infos.push(0x0000000012345621n, 0x00000000fffff021n);
      const path = join(work, `synthetic-${machine}-${elf64 ? 64 : 32}.o`);
      writeFileSync(path, syntheticObject(machine, elf64, bigEndian, infos));
      const recs = readelfRelocs(path);
      assert.is(recs.length, infos.length, `${path}: entries`);
      for (const rec of recs) {
        const problem = checkLine(machine, elf64, rec);
        if (problem) assert.unreachable(problem);
        checked++;
      }
    }
  }
  assert.ok(checked > 5000, `${checked} lines`);
});

const SOURCE = `
extern int ext_var;
extern int ext_fn(int);
static int local_var = 3;
__thread int tls_gd_var;
static __thread int tls_ld_var;
extern __thread int tls_ie_var;
int *ptrs[] = { &ext_var, &local_var };
int (*fnptr)(int) = ext_fn;
void *self = &self;
static int helper(int x) { return x * local_var; }
int use(int x) {
  tls_ld_var += x;
  return ext_fn(x) + ext_var + helper(x) + tls_gd_var + tls_ld_var + tls_ie_var + ptrs[x & 1][0] + fnptr(x);
}
`;

/** Compiler commands to try, each with its variants; missing compilers are reported and skipped. */
const COMPILERS: [cc: string, variants: string[][]][] = [
  ['gcc', [['-O2', '-fPIC', '-c'], ['-O0', '-fno-pic', '-g', '-c'], ['-m32', '-O2', '-fPIC', '-c'], ['-m32', '-g', '-c'],
    ['-mcmodel=large', '-O2', '-c'], ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['i686-linux-gnu-gcc', [['-O2', '-fPIC', '-c'], ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['aarch64-linux-gnu-gcc', [['-O2', '-fPIC', '-c'], ['-O0', '-g', '-c'], ['-mtls-dialect=trad', '-fno-pic', '-mcmodel=large', '-c'],
    ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['arm-linux-gnueabihf-gcc', [['-O2', '-fPIC', '-c'], ['-marm', '-O0', '-g', '-c'], ['-mthumb', '-O2', '-c'],
    ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['riscv64-linux-gnu-gcc', [['-O2', '-fPIC', '-c'], ['-O0', '-g', '-mno-relax', '-c'], ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['s390x-linux-gnu-gcc', [['-O2', '-fPIC', '-c'], ['-m31', '-O2', '-fPIC', '-c'], ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['powerpc64-linux-gnu-gcc', [['-O2', '-fPIC', '-c'], ['-m32', '-O2', '-fPIC', '-c'], ['-O0', '-g', '-c'],
    ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['powerpc64le-linux-gnu-gcc', [['-O2', '-fPIC', '-c'], ['-mcpu=power10', '-O2', '-c']]],
  ['mips-linux-gnu-gcc', [['-O2', '-fPIC', '-c'], ['-O2', '-fno-pic', '-mno-abicalls', '-c'], ['-mmicromips', '-O2', '-c'],
    ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['mips64el-linux-gnuabi64-gcc', [['-O2', '-fPIC', '-c'], ['-O0', '-g', '-c'], ['-shared', '-nostdlib', '-fPIC', '-O2']]],
  ['mips64-linux-gnuabi64-gcc', [['-O2', '-fPIC', '-c']]],
  ['loongarch64-linux-gnu-gcc', [['-O2', '-fPIC', '-c']]],
  ['sparc64-linux-gnu-gcc', [['-O2', '-fPIC', '-c'], ['-m32', '-O2', '-fPIC', '-c']]],
];

test('relocations in objects built by the installed compilers print as readelf prints them', () => {
  if (readelfWhy) return;
  const src = join(work, 'relocs.c');
  writeFileSync(src, SOURCE);
  const skipped: string[] = [];
  let objects = 0;
  let lines = 0;
  const machines = new Set<number>();
  for (const [cc, variants] of COMPILERS) {
    if (!tool(cc, ['--version']).ok) {
      skipped.push(`${cc} (not installed)`);
      continue;
    }
    variants.forEach((flags, i) => {
      const out = join(work, `${cc}-${i}.o`);
      const built = tool(cc, [...flags, src, '-o', out]);
      if (!built.ok) {
        skipped.push(`${cc} ${flags.join(' ')} (${built.err.trim().split('\n').pop()})`);
        return;
      }
      const head = readFileSync(out);
      const elf64 = head[4] === 2;
      const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
      assert.ok(relocTypeTable(machine), `${cc} ${flags.join(' ')}: machine ${machine} not covered`);
      machines.add(machine);
      objects++;
      for (const rec of readelfRelocs(out)) {
        const problem = checkLine(machine, elf64, rec);
        if (problem) assert.unreachable(`${cc} ${flags.join(' ')}: ${problem}`);
        lines++;
      }
    });
  }
  if (skipped.length > 0) console.log(`  reloc-types: skipped ${skipped.join('; ')}`);
  if (objects === 0) console.log('  reloc-types: no compiler produced an object; nothing compared');
  else console.log(`  reloc-types: ${lines} relocation lines in ${objects} objects (machines ${[...machines].join(', ')}) match readelf`);
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
