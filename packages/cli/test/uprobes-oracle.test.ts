// `elfkit uprobes` against the symbol table and objdump: every function's
// entry file offset equals what the symbol table gives through the
// program headers (cilium/ebpf's rule: value - p_vaddr + p_offset, read
// here with readelf), and its return offsets are exactly the `ret`
// instructions objdump -d shows inside the symbol's [value, value+size)
// (binutils objdump for x86, the AArch64 one, or llvm-objdump). Stripped
// Go fixtures (-ldflags='-s -w') are checked against their unstripped
// twin, whose code is byte-identical (the test checks that first).
// runtime.newproc, runtime.gopark and runtime.goready are checked in every
// Go fixture. The Go argument registers are checked against the
// compiler's own DWARF: at each function's entry the location list of a
// register-assigned parameter names the registers elfkit computes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, fixtures, run, skip, which } from '@elfkit/fixtures';
import { ElfFile } from '@elfkit/elf';
import * as D from '@elfkit/dwarf';
import { elfkit } from './cli.js';

interface JsonFunction {
  name: string;
  source: string;
  address: string;
  end: string | null;
  offset: number;
  returns: { address: string; offset: number }[] | null;
  args: { name: string; type: string; result: boolean; size: number; registers: string[] | null; stack: number | null }[] | null;
}
interface JsonReport {
  machine: string;
  abi: string | null;
  notes: string[];
  functions: JsonFunction[];
}

const reports = new Map<string, JsonReport>();

/** `elfkit uprobes --json` (every function of a file is asked for once and kept). */
function uprobes(file: string, ...args: string[]): JsonReport {
  const key = [file, ...args].join('\0');
  let rep = reports.get(key);
  if (!rep) {
    const r = elfkit(['uprobes', '--json', file, ...args]);
    assert.is(r.status, 0, `${file}: ${r.stderr}`);
    reports.set(key, (rep = JSON.parse(r.stdout) as JsonReport));
  }
  return rep;
}

/** Function symbols (readelf -sW) with their file offsets through the PT_LOADs (readelf -lW). */
function symbolTable(file: string): { name: string; value: bigint; size: bigint; offset: number }[] {
  const loads: { offset: bigint; vaddr: bigint; filesz: bigint; exec: boolean }[] = [];
  for (const l of run('readelf', ['-lW', file]).stdout.split('\n')) {
    const m = /^\s*LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+(.*?)\s+0x[0-9a-f]+$/.exec(l);
    if (m) loads.push({ offset: BigInt('0x' + m[1]), vaddr: BigInt('0x' + m[2]), filesz: BigInt('0x' + m[3]), exec: m[4]!.includes('E') });
  }
  const out: { name: string; value: bigint; size: bigint; offset: number }[] = [];
  for (const l of run('readelf', ['-sW', '--wide', file]).stdout.split('\n')) {
    const p = l.trim().split(/\s+/);
    if (p.length < 8 || (p[3] !== 'FUNC' && p[3] !== 'IFUNC') || p[6] === 'UND') continue;
    const value = BigInt('0x' + p[1]);
    const size = p[2]!.startsWith('0x') ? BigInt(p[2]!) : BigInt(p[2]!);
    const seg = loads.find((s) => s.exec && value >= s.vaddr && value < s.vaddr + s.filesz);
    if (!seg || value === 0n) continue;
    out.push({ name: p.slice(7).join(' ').replace(/@.*$/, ''), value, size, offset: Number(value - seg.vaddr + seg.offset) });
  }
  return out;
}

/** The addresses of the return instructions objdump shows. */
function objdumpReturns(file: string, machine: string): Set<bigint> | undefined {
  const tool = machine === 'AArch64' ? (which('aarch64-linux-gnu-objdump') ?? which('llvm-objdump-14') ?? which('llvm-objdump')) : which('objdump');
  if (!tool) return undefined;
  const r = run(tool, ['-d', '--no-show-raw-insn', file]);
  if (r.status !== 0) return undefined;
  const out = new Set<bigint>();
  for (const l of r.stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(l);
    if (m && /^(?:(?:rep[a-z]*|bnd|notrack)\s+)*(?:ret[qlw]?|retaa|retab)\b/.test(m[2]!.trim())) out.add(BigInt('0x' + m[1]));
  }
  return out;
}

interface Tally {
  files: number;
  entries: number;
  returns: number;
  functionsWithReturns: number;
}
const tally: Tally = { files: 0, entries: 0, returns: 0, functionsWithReturns: 0 };

/**
 * Compares `elfkit uprobes` on `probed` with the symbol table and objdump
 * of `reference` (the same file, or a stripped file's unstripped twin).
 */
function compare(probed: string, reference: string, label: string): string[] {
  const ours = uprobes(probed);
  const syms = symbolTable(reference);
  const rets = ours.machine === 'x86-64' || ours.machine === 'i386' || ours.machine === 'AArch64' ? objdumpReturns(reference, ours.machine) : undefined;
  const problems: string[] = [];
  const byAddress = new Map<string, JsonFunction[]>();
  for (const f of ours.functions) byAddress.set(f.address, [...(byAddress.get(f.address) ?? []), f]);
  const unsuffixed = (n: string) => n.replace(/\.abi0$/, '');
  let matched = 0;
  for (const s of syms) {
    const here = byAddress.get('0x' + s.value.toString(16));
    // Symbols of a Go binary that are no function (runtime.text, size 0) mark places.
    if (!here) {
      if (s.size > 0n) problems.push(`${label}: elfkit lists nothing at ${s.name} 0x${s.value.toString(16)}`);
      continue;
    }
    const f = here.find((x) => x.name === s.name || unsuffixed(x.name) === unsuffixed(s.name)) ?? here[0]!;
    matched++;
    tally.entries++;
    if (f.offset !== s.offset) problems.push(`${label} ${s.name}: entry offset 0x${f.offset.toString(16)}, symbol table 0x${s.offset.toString(16)}`);
    if (!rets || s.size === 0n || !f.returns) continue;
    const want = [...rets].filter((a) => a >= s.value && a < s.value + s.size).sort((a, b) => (a < b ? -1 : 1));
    const got = f.returns.map((r) => BigInt(r.address));
    tally.returns += want.length;
    if (want.length) tally.functionsWithReturns++;
    if (got.join() !== want.join()) problems.push(`${label} ${s.name}: returns ${got.map((x) => '0x' + x.toString(16)).join(' ')}, objdump ${want.map((x) => '0x' + x.toString(16)).join(' ')}`);
    // Every return offset is the address's place in the file.
    for (const r of f.returns) if (r.offset !== f.offset + Number(BigInt(r.address) - BigInt(f.address))) problems.push(`${label} ${s.name}: return 0x${r.address} at offset 0x${r.offset.toString(16)}`);
  }
  assert.ok(matched > 0, `${label}: some functions compared`);
  if (rets) assert.ok(ours.functions.some((f) => f.returns !== null), `${label}: returns found`);
  tally.files++;
  return problems;
}

const goFixtures = fixtures().filter((f) => f.lang === 'go');
const scanned = new Set(['amd64', '386', 'arm64']);

test('uprobes = symbol table + objdump on every x86 and AArch64 Go fixture, stripped ones through their unstripped twins', () => {
  if (!which('objdump') || !which('readelf')) return skip('uprobes oracle', 'objdump or readelf is not on PATH (binutils)');
  const problems: string[] = [];
  for (const f of goFixtures.filter((x) => scanned.has(x.arch) && !x.name.endsWith('-vcs'))) {
    const stripped = f.name.endsWith('-sw');
    const twin = stripped ? f.name.replace(/-sw$/, '') : f.name;
    if (stripped) {
      // The comparison holds because -s -w leaves the code where it was: the
      // twin's .text is at the same address and file offset with the same bytes.
      const a = ElfFile.parse(new Uint8Array(readFileSync(fixturePath(f))));
      const b = ElfFile.parse(new Uint8Array(readFileSync(fixturePath(twin))));
      const t = b.section('.text')!;
      const same = Buffer.from(a.readVirtual(t.addr, Number(t.size))!).equals(Buffer.from(b.sectionData(t)));
      const seg = (e: ElfFile) => e.loadSegmentAt(t.addr)!;
      assert.ok(same && seg(a).offset === seg(b).offset && seg(a).vaddr === seg(b).vaddr, `${f.name}: .text identical to ${twin}'s`);
    }
    problems.push(...compare(fixturePath(f), fixturePath(twin), f.name));
  }
  assert.equal(problems, []);
});

test('uprobes = symbol table + objdump on C and C++ fixtures (x86-64, i386, AArch64, static glibc with IFUNCs)', () => {
  if (!which('objdump') || !which('readelf')) return skip('uprobes oracle', 'objdump or readelf is not on PATH (binutils)');
  const problems: string[] = [];
  for (const name of ['c/gcc-O2', 'c/clang-O2', 'c/gcc-static', 'c/gcc-m32', 'c/gcc-aarch64', 'cpp/gxx-dwarf5']) problems.push(...compare(fixturePath(name), fixturePath(name), name));
  assert.equal(problems, []);
});

test('runtime.newproc, runtime.gopark and runtime.goready in every Go fixture, stripped and on every arch', () => {
  let checked = 0;
  for (const f of goFixtures.filter((x) => !x.name.endsWith('-vcs'))) {
    const twin = f.name.replace(/-sw$/, '');
    const syms = symbolTable(fixturePath(twin));
    const ours = uprobes(fixturePath(f));
    for (const fn of ['runtime.newproc', 'runtime.gopark', 'runtime.goready']) {
      const want = syms
        .filter((s) => s.name === fn || s.name === `${fn}.abi0`)
        .map((s) => s.offset)
        .sort();
      const got = ours.functions
        .filter((x) => x.name === fn || x.name === `${fn}.abi0`)
        .map((x) => x.offset)
        .sort();
      assert.equal(got, want, `${f.name} ${fn}`);
      for (const x of ours.functions.filter((y) => y.name === fn)) {
        if (scanned.has(f.arch)) assert.ok(x.returns && x.returns.length > 0, `${f.name} ${fn}: its returns`);
        else assert.is(x.returns, null, `${f.name} ${fn}: no return scanner for ${f.arch}`);
      }
      checked++;
    }
    // gopark's first argument is unlockf, in the first integer register (register ABI, DWARF present).
    const gopark = ours.functions.find((x) => x.name === 'runtime.gopark');
    if (gopark && (f.arch === 'amd64' || f.arch === 'arm64') && f.dwarf !== null) assert.equal(gopark.args?.[0], { name: 'unlockf', type: gopark.args![0]!.type, result: false, size: f.arch === 'amd64' || f.arch === 'arm64' ? 8 : 4, registers: [f.arch === 'amd64' ? 'RAX' : 'R0'], stack: null }, f.name);
    if (f.dwarf === null) assert.ok(ours.notes.some((n) => /no DWARF: argument registers need/.test(n)) || !(f.arch === 'amd64' || f.arch === 'arm64'), `${f.name}: says why there are no registers`);
  }
  console.log(`newproc/gopark/goready: ${checked} lookups over ${goFixtures.length - 1} Go fixtures equal to the symbol tables`);
});

/** DWARF register numbers of the Go ABI's registers (System V x86-64 and AArch64 DWARF numbering). */
const DWARF_REG: Record<string, number> = {
  RAX: 0, RBX: 3, RCX: 2, RDI: 5, RSI: 4, R8: 8, R9: 9, R10: 10, R11: 11,
  ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`X${i}`, 17 + i])),
};
const dwarfReg = (arch: string, r: string) => (arch === 'arm64' ? (r.startsWith('F') ? 64 + Number(r.slice(1)) : Number(r.slice(1))) : DWARF_REG[r]);

/** The parts of a DWARF location: each piece's register (undefined: not in a register) and size. */
function locationPieces(ops: readonly D.Operation[], size: number): { reg?: number; size: number }[] {
  const out: { reg?: number; size: number }[] = [];
  let cur: number | undefined;
  let any = false;
  for (const o of ops) {
    if (o.op >= D.DW_OP_reg0 && o.op <= D.DW_OP_reg31) cur = o.op - D.DW_OP_reg0;
    else if (o.op === D.DW_OP_regx) cur = Number(o.operands[0]);
    else if (o.op === D.DW_OP_piece) {
      out.push({ reg: cur, size: Number(o.operands[0]) });
      cur = undefined;
      any = true;
      continue;
    } else cur = undefined;
  }
  return any ? out : [{ reg: cur, size }];
}

interface AbiTally {
  stack: number;
  params: number;
  functions: number;
  pieceBug: number;
  sharedRegister: number;
}

test('Go argument registers = the compiler\'s DWARF locations at each function\'s entry (amd64 and arm64, every toolchain)', () => {
  const t: AbiTally = { stack: 0, params: 0, functions: 0, pieceBug: 0, sharedRegister: 0 };
  const problems: string[] = [];
  for (const f of goFixtures.filter((x) => (x.arch === 'amd64' || x.arch === 'arm64') && x.dwarf !== null && !/-(pie|cgo)$/.test(x.name))) {
    const ours = uprobes(fixturePath(f));
    assert.ok(ours.abi, `${f.name}: ${ours.notes.join('; ')}`);
    const elf = ElfFile.parse(new Uint8Array(readFileSync(fixturePath(f))));
    const dwarf = D.Dwarf.load((n) => {
      const s = elf.debugSection(n);
      return s && s.type !== 8 ? elf.sectionData(s) : undefined;
    }, { order: elf.header.order });
    const types = D.DwarfTypes.of(dwarf);
    for (const fn of ours.functions) {
      if (!fn.args) continue;
      const df = types.findFunc(fn.name)!;
      const entry = BigInt(fn.address);
      t.functions++;
      // Every parameter's pieces at the entry, as the compiler wrote them.
      const atEntry = new Map<string, { reg?: number; size: number }[]>();
      // Stack-assigned ones: DW_OP_call_frame_cfa or DW_OP_fbreg N (Go's frame
      // base is the CFA), the CFA being SP+8 at an amd64 entry (CALL pushed the
      // return PC) and SP at an arm64 one (BL leaves it in LR).
      const cfaAtEntry = f.arch === 'amd64' ? 8 : 0;
      const stackAt = new Map<string, number>();
      for (const p of df.params) {
        if (!p.location || !p.locationDie || p.variableParameter || !p.name) continue;
        const unit = p.locationDie.unit;
        let expr: Uint8Array | undefined;
        if (p.location.value instanceof Uint8Array) expr = p.location.value;
        else for (const e of unit.locationListEntries(p.location)) if (e.range && e.range.begin <= entry && entry < e.range.end) expr = e.expression;
        if (!expr || !expr.length) continue;
        const ops = unit.expression(expr);
        atEntry.set(p.name, locationPieces(ops, p.type?.size ?? 0));
        if (ops.length === 1 && ops[0]!.op === D.DW_OP_call_frame_cfa) stackAt.set(p.name, cfaAtEntry);
        if (ops.length === 1 && ops[0]!.op === D.DW_OP_fbreg) stackAt.set(p.name, cfaAtEntry + Number(ops[0]!.operands[0]));
      }
      for (const a of fn.args) {
        const at = stackAt.get(a.name);
        if (a.result || a.stack === null || at === undefined) continue;
        t.stack++;
        if (a.stack !== at) problems.push(`${f.name} ${fn.name} ${a.name} (${a.type}): elfkit SP+${a.stack}, DWARF SP+${at}`);
      }
      for (const a of fn.args) {
        const pieces = atEntry.get(a.name);
        if (a.result || !a.registers || a.registers.length === 0 || !pieces || pieces.every((x) => x.reg === undefined)) continue;
        t.params++;
        const sum = pieces.reduce((n, x) => n + x.size, 0);
        if (pieces.length !== a.registers.length) {
          // Go 1.19 describes some strings, slices and interfaces with more
          // pieces than the value has bytes (a 24-byte slice in 4 pieces of 8).
          if (sum !== a.size) t.pieceBug++;
          else problems.push(`${f.name} ${fn.name} ${a.name} (${a.type}): elfkit ${a.registers.join(',')}, DWARF pieces ${pieces.map((x) => x.reg ?? '?').join(',')}`);
          continue;
        }
        a.registers.forEach((r, i) => {
          const dw = pieces[i]!.reg;
          if (dw === undefined || dw === dwarfReg(f.arch, r)) return;
          // The compiler's location lists sometimes put two parameters in one
          // register at the entry, which cannot both hold (the code reads the
          // other one: see the fmtEFG proof below).
          const shared = [...atEntry].some(([n, ps]) => n !== a.name && ps.some((x) => x.reg === dw));
          if (shared) t.sharedRegister++;
          else problems.push(`${f.name} ${fn.name} ${a.name} (${a.type}) part ${i}: elfkit ${r}, DWARF register ${dw}`);
        });
      }
    }
  }
  assert.equal(problems, []);
  assert.ok(t.params > 1000 && t.stack >= 10, `${t.params} register, ${t.stack} stack parameters`);
  console.log(
    `Go ABI: ${t.params} register-assigned and ${t.stack} stack-assigned parameters of ${t.functions} functions compared with their DWARF location at entry; differences: ${t.pieceBug} Go 1.19 composite locations with more pieces than bytes, ${t.sharedRegister} parts whose DWARF register also holds another parameter at entry (the compiler's error), nothing else`,
  );
});

test('proof: where DWARF puts two parameters in one register, the code reads elfkit\'s (internal/strconv.fmtEFG on go1.27-arm64)', () => {
  const tool = which('aarch64-linux-gnu-objdump') ?? which('llvm-objdump-14');
  if (!tool) return skip('fmtEFG proof', 'no AArch64 disassembler (aarch64-linux-gnu-objdump, llvm-objdump-14)');
  const file = fixturePath('go/go1.27-arm64');
  const fn = uprobes(file, 'internal/strconv.fmtEFG').functions[0]!;
  const at = (n: string) => fn.args!.find((a) => a.name === n)!.registers;
  // DWARF says nd and prec are both in x8 at the entry; the ABI puts prec in x9.
  assert.equal([at('nd'), at('prec')], [['R8'], ['R9']]);
  const start = BigInt(fn.address);
  const dis = run(tool, ['-d', '--no-show-raw-insn', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(start + 0x40n).toString(16)}`, file]).stdout;
  // `if eprec > digs.nd`: prec (x9) against nd (x8), before either register is written.
  assert.match(dis, /cmp\s+x9, x8/);
});

test('uprobes: text, bpftrace, patterns, a binary without functions', () => {
  const sw = fixturePath('go/go1.27-amd64-sw');
  const text = elfkit(['uprobes', sw, 'runtime.gopark']);
  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, /^# .*: x86-64 executable, go1\.27\.\d+; functions from pclntab; returns by iced-x86 64-bit decoder\n# no DWARF: /);
  assert.match(text.stdout, /^0x[0-9a-f]+ +0x[0-9a-f]+ +runtime\.gopark  returns 0x[0-9a-f]+( 0x[0-9a-f]+)*$/m);
  const bt = elfkit(['uprobes', '--bpftrace', sw, 'runtime.gopark']);
  assert.match(bt.stdout, /run bpftrace with --unsafe/);
  const j = uprobes(sw, 'runtime.gopark');
  const g = j.functions[0]!;
  assert.ok(bt.stdout.includes(`uprobe:${sw}:0x${g.offset.toString(16)} { @calls["runtime.gopark"] = count(); }`), 'stripped: file offsets');
  assert.ok(bt.stdout.includes(`${g.returns!.map((r) => `uprobe:${sw}:0x${r.offset.toString(16)}`).join(', ')} { @returns["runtime.gopark"] = count(); }`));
  const full = fixturePath('go/go1.27-amd64');
  const bt2 = elfkit(['uprobes', '--bpftrace', full, 'runtime.gopark']).stdout;
  assert.ok(bt2.includes(`uprobe:${full}:${g.address} { @calls["runtime.gopark"] = count(); } // unlockf=reg("ax")`), 'with symbols: addresses, argument registers');
  const none = elfkit(['uprobes', sw, 'no.such.*']);
  assert.is(none.status, 1);
  assert.match(none.stderr, /no function matches no\.such\.\*/);
  const obj = elfkit(['uprobes', fixturePath('obj/amd64.o')]);
  assert.is(obj.status, 1);
  assert.match(obj.stderr, /^elfkit: .*amd64\.o: a relocatable object has no code to attach to/);
});

test('damaged binaries: uprobes and dwarf types print what they can and one line per problem, never crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elfkit-uprobes-'));
  try {
    let seed = 0x9e3779b9;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const cases: [string, string, string[]][] = [];
    // The pclntab of a stripped Go binary: its header, then random bytes inside.
    const go = new Uint8Array(readFileSync(fixturePath('go/go1.27-amd64-sw')));
    const at = Buffer.from(go).indexOf(Buffer.from([0xf1, 0xff, 0xff, 0xff, 0, 0]));
    assert.ok(at > 0, 'the pclntab magic');
    for (let i = 0; i < 8; i++) {
      const b = go.slice();
      if (i === 0) b.fill(0xff, at + 8, at + 16);
      else for (let k = 0; k < 30; k++) b[at + rand(300000)] = rand(256);
      const path = join(dir, `go-${i}`);
      writeFileSync(path, b);
      cases.push([path, 'uprobes', ['runtime.*']]);
    }
    // .debug_info of a C binary.
    const c = new Uint8Array(readFileSync(fixturePath('c/gcc-O2')));
    const info = ElfFile.parse(c).section('.debug_info')!;
    for (let i = 0; i < 8; i++) {
      const b = c.slice();
      for (let k = 0; k < 6; k++) b[info.offset + rand(info.size)] = rand(256);
      const path = join(dir, `c-${i}`);
      writeFileSync(path, b);
      cases.push([path, 'dwarf', ['types']]);
    }
    for (const [path, cmd, args] of cases) {
      const r = cmd === 'dwarf' ? elfkit(['dwarf', 'types', path]) : elfkit([cmd, path, ...args]);
      assert.ok(r.status === 0 || r.status === 1, `${path}: exit ${r.status}\n${r.stderr}`);
      for (const line of r.stderr.trim().split('\n').filter(Boolean)) assert.match(line, /^elfkit: \S+: /, `${path}: ${line}`);
      assert.not.match(r.stderr, /TypeError|RangeError|at .*\.js:\d+/, path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('uprobes oracle summary', () => {
  console.log(`uprobes oracle: ${tally.files} files, ${tally.entries} entry offsets equal to the symbol table's, ${tally.returns} return offsets in ${tally.functionsWithReturns} functions equal to objdump's`);
});

test.run();
