// Cores of three other machines (fixtures/core: AArch64, ARM, i386, dumped
// by qemu-user, which writes no NT_FILE): threads, registers, the
// executable placed by AT_PHDR, and backtraces leaf ← mid ← _start by the
// symbol table; then a sweep of truncated and damaged cores that must read
// as a process or a ParseError, never anything else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BytesSource, isParseError } from '@elfkit/binary';
import { ElfFile } from '@elfkit/elf';
import { repoRoot } from '@elfkit/fixtures';
import { CoreProcess, type CoreHost } from '../dist/index.js';

const fixture = (name: string) => new Uint8Array(gunzipSync(readFileSync(join(repoRoot, 'fixtures', 'core', name))));

function qemu(arch: string) {
  const core = fixture(`${arch}-qemu.core.gz`);
  const exe = fixture(`${arch}-qemu-crash.gz`);
  const host: CoreHost = { open: (p) => (p === '/exe' ? new BytesSource(exe) : undefined) };
  return { core, exe, host };
}

/** The symbol whose [value, value + size) holds `pc` (Thumb bit cleared). */
function symbolAt(elf: ElfFile, pc: bigint): string | undefined {
  return elf.symbols().find((s) => s.size > 0n && pc >= (s.value & ~1n) && pc < (s.value & ~1n) + s.size)?.name;
}

for (const arch of ['aarch64', 'arm', 'i386']) {
  test(`${arch} qemu core: thread, registers, executable by AT_PHDR, leaf ← mid ← _start`, () => {
    const { core, exe, host } = qemu(arch);
    const p = CoreProcess.open(core, { host, exe: '/exe' });
    assert.is(p.threads.length, 1);
    assert.is(p.core.process?.fname, `crash-${arch}`);
    const t = p.threads[0]!;
    assert.is(t.status.cursig, 11);
    assert.ok(p.executable, 'the executable module');
    assert.is(p.executable!.bias, 0n);
    const bt = p.backtrace(t);
    const elf = ElfFile.parse(exe);
    const names = bt.frames.map((f) => symbolAt(elf, f.lookupPc));
    assert.equal(names.slice(0, 3), ['leaf', 'mid', '_start'], `${arch}: ${bt.frames.map((f) => f.pc.toString(16)).join(' ')}`);
    assert.is(bt.frames[0]!.pc, t.status.registers!.pc);
    // Without the executable the modules are unknown and the unwinder says so.
    const bare = CoreProcess.open(core);
    assert.is(bare.modules.length, 0);
    assert.is(bare.backtrace(bare.threads[0]!).stop.kind === 'no-unwind-info' || bare.backtrace(bare.threads[0]!).stop.kind === 'no-module' || bare.backtrace(bare.threads[0]!).stop.kind === 'end', true);
  });
}

test('truncated and damaged cores: a process or a ParseError, never a crash or a hang', () => {
  const { core, host } = qemu('aarch64');
  let opened = 0;
  let errors = 0;
  const attempt = (bytes: Uint8Array) => {
    try {
      const p = CoreProcess.open(bytes, { host, exe: '/exe' });
      for (const t of p.threads) p.backtrace(t);
      void p.memory.read(0x400000n, 64);
      opened++;
    } catch (e) {
      if (!isParseError(e)) throw e;
      errors++;
    }
  };
  for (let cut = 0; cut < 0x1400; cut += 61) attempt(core.subarray(0, cut));
  for (const cut of [0x2000, 0x8000, 0x30000, core.length >> 1]) attempt(core.subarray(0, cut));
  let seed = 11;
  for (let i = 0; i < 300; i++) {
    const b = new Uint8Array(core.subarray(0, 0x1000));
    for (let k = 0; k < 3; k++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      b[seed % b.length] ^= 1 << (seed >>> 29);
    }
    attempt(b);
  }
  assert.ok(opened > 50 && errors > 10, `${opened} opened, ${errors} errors`);
  // A core cut after its notes still knows its thread, and says its memory is short.
  const p = CoreProcess.open(core.subarray(0, 0x2000), { host, exe: '/exe' });
  assert.is(p.threads.length, 1);
  assert.ok(p.truncated);
});

test.run();
