// The Go stack walk on synthetic stacks: frames laid out by hand in a
// BufferMemory, functions described by their SP deltas and flags, so each
// rule of the runtime's unwinder is checked on its own — fp and the return
// address on x86 and on LR machines, pc − 1 after a call and pc after an
// injected call, the TOPFRAME and SPWRITE stops, a stack that loops, an
// unreadable return address, the depth limit — and the names the runtime
// prints for generic and panic frames.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AARCH64, BufferMemory, X86_64, type ModuleResolver, type UnwindModule } from '@elfkit/unwind';
import { goMachine, printName, Target, walkStack, type FuncAt, type GoCode, type GRecord, type WalkContext } from '@elfkit/goruntime';

const module: UnwindModule = { name: 'prog', start: 0x400000n, end: 0x500000n, bias: 0n, callFrameInfo: () => undefined };

interface FakeFunc {
  name: string;
  entry: number;
  size: number;
  /** SP delta at every pc (the frame size once the prologue ran). */
  delta: number;
  flag?: number;
}

/** A GoCode over fake functions (only what the walk asks: name, flag, pcsp, entry, SP delta). */
function code(funcs: FakeFunc[]): GoCode {
  return {
    funcAt(pc: bigint): FuncAt | undefined {
      const f = funcs.find((x) => pc >= BigInt(x.entry) && pc < BigInt(x.entry + x.size));
      if (!f) return undefined;
      const fn = { name: f.name, flag: f.flag ?? 0, pcsp: 1, entry: BigInt(f.entry), spDeltaAt: () => f.delta };
      return { fn: fn as unknown as FuncAt['fn'], name: fn.name, bias: 0n, module, damaged: (e: unknown) => { throw e; } };
    },
  } as unknown as GoCode;
}

/** A stack of 8-byte little-endian words at `base`. */
function stack(base: bigint, words: bigint[]): BufferMemory {
  const b = new Uint8Array(words.length * 8);
  const v = new DataView(b.buffer);
  words.forEach((w, i) => v.setBigUint64(i * 8, w, true));
  return new BufferMemory(base, b);
}

function ctx(memory: BufferMemory, funcs: FakeFunc[], arch = X86_64, maxFrames?: number): WalkContext {
  const machine = goMachine(arch)!;
  const modules: ModuleResolver = { moduleAt: (a) => (a >= module.start && a < module.end ? module : undefined) };
  return { machine, target: new Target(memory, 8, 'little'), code: code(funcs), modules, runtime: { g: () => undefined, m: () => undefined }, maxFrames };
}

function g(pc: bigint, sp: bigint, lr = 0n): GRecord {
  return {
    address: 0xc000001000n,
    goid: 7n,
    rawStatus: 4,
    m: 0n,
    stackLo: 0xc000000000n,
    stackHi: 0xc000010000n,
    sched: { pc, sp, lr, bp: 0n },
    syscallSp: 0n,
    syscallPc: 0n,
    waitSince: 0n,
    goPc: 0n,
    startPc: 0n,
    lockedM: 0n,
    labels: 0n,
  };
}

const A = { name: 'main.a', entry: 0x401000, size: 0x100, delta: 0x10 };
const B = { name: 'main.b', entry: 0x402000, size: 0x100, delta: 0x20 };
const EXIT = { name: 'runtime.goexit', entry: 0x403000, size: 0x10, delta: 0, flag: 1 };

test('x86: fp = sp + delta + 8, the return address below fp, pc − 1 looked up after a call, stop at TOPFRAME', () => {
  // a's frame: 0x10 bytes, then the return into b; b's frame: 0x20 bytes, then the return into goexit.
  const sp = 0xc000008000n;
  const words = new Array<bigint>(16).fill(0n);
  words[2] = 0x402040n; // at sp + 0x10: return into b
  words[2 + 1 + 4] = 0x403001n; // at sp + 0x18 + 0x20: return into goexit
  const w = walkStack({ kind: 'goroutine', g: g(0x401020n, sp) }, ctx(stack(sp, words), [A, B, EXIT]));
  assert.equal(
    w.frames.map((f) => [f.func?.fn.name, f.pc, f.sp, f.fp, f.symPc]),
    [
      ['main.a', 0x401020n, sp, sp + 0x18n, 0x40101fn],
      ['main.b', 0x402040n, sp + 0x18n, sp + 0x40n, 0x40203fn],
      ['runtime.goexit', 0x403001n, sp + 0x40n, sp + 0x48n, 0x403000n],
    ],
  );
  assert.equal(w.stop, { kind: 'end', function: 'runtime.goexit' });
});

test('an injected call (sigpanic) makes its caller a trapped frame: looked up at pc, not pc − 1', () => {
  const PANIC = { name: 'runtime.sigpanic', entry: 0x404000, size: 0x100, delta: 0x8 };
  const sp = 0xc000008000n;
  const words = new Array<bigint>(16).fill(0n);
  words[1] = 0x401030n; // sigpanic's "return" is the faulting pc in a
  words[1 + 1 + 2] = 0x403001n;
  const w = walkStack({ kind: 'goroutine', g: g(0x404010n, sp) }, ctx(stack(sp, words), [A, PANIC, EXIT]));
  assert.equal(w.frames[1]!.func?.fn.name, 'main.a');
  assert.is(w.frames[1]!.symPc, 0x401030n, 'the faulting instruction itself');
});

test('a function that writes SP above the innermost frame ends the walk, as in the runtime', () => {
  const GOGO = { name: 'runtime.gogo', entry: 0x405000, size: 0x100, delta: 0, flag: 2 };
  const sp = 0xc000008000n;
  const words = new Array<bigint>(8).fill(0n);
  words[2] = 0x405010n; // a returns into gogo
  const w = walkStack({ kind: 'goroutine', g: g(0x401020n, sp) }, ctx(stack(sp, words), [A, GOGO]));
  assert.equal(w.stop, { kind: 'spwrite', function: 'runtime.gogo' });
  assert.is(w.frames.length, 2);
});

test('bad stacks end with a reason: unreadable return address, a repeating frame, no function, the depth limit', () => {
  const sp = 0xc000008000n;
  // The stack ends before a's return address.
  let w = walkStack({ kind: 'goroutine', g: g(0x401020n, sp) }, ctx(stack(sp, [0n]), [A]));
  assert.equal(w.stop, { kind: 'unreadable', address: sp + 0x10n });
  // A return address to nowhere.
  w = walkStack({ kind: 'goroutine', g: g(0x401020n, sp) }, ctx(stack(sp, [0n, 0n, 0x999999n, 0n]), [A]));
  assert.equal(w.stop, { kind: 'unknown-pc', pc: 0x999999n });
  // A frameless leaf (arm64) whose link register holds its own pc: the next frame would be the same.
  const SELF = { name: 'main.self', entry: 0x406000, size: 0x100, delta: 0 };
  w = walkStack({ kind: 'goroutine', g: g(0x406010n, sp, 0x406010n) }, ctx(stack(sp, [0n]), [SELF], AARCH64));
  assert.equal(w.stop, { kind: 'stuck', pc: 0x406010n, sp });
  // A deep recursion cut at the limit.
  const R = { name: 'main.r', entry: 0x407000, size: 0x100, delta: 0 };
  const deep = new Array<bigint>(64).fill(0x407010n);
  w = walkStack({ kind: 'goroutine', g: g(0x407010n, sp) }, ctx(stack(sp, deep), [R], X86_64, 10));
  assert.equal(w.stop, { kind: 'depth-limit', limit: 10 });
  assert.is(w.frames.length, 10);
});

test('arm64: a leaf frame without a frame uses the saved LR; others read LR at sp; fp = sp + delta', () => {
  const LEAF = { name: 'main.leaf', entry: 0x401000, size: 0x100, delta: 0 };
  const sp = 0xc000008000n;
  const words = new Array<bigint>(8).fill(0n);
  words[0] = 0x403004n; // b saved its LR (the return into goexit) at its sp
  const w = walkStack({ kind: 'goroutine', g: g(0x401010n, sp, 0x402040n) }, ctx(stack(sp, words), [LEAF, B, EXIT], AARCH64));
  assert.equal(
    w.frames.map((f) => [f.func?.fn.name, f.pc, f.sp, f.fp]),
    [
      ['main.leaf', 0x401010n, sp, sp],
      ['main.b', 0x402040n, sp, sp + 0x20n],
      ['runtime.goexit', 0x403004n, sp + 0x20n, sp + 0x20n],
    ],
  );
});

test('printName: panic, and generic shapes as [...]', () => {
  assert.is(printName('runtime.gopanic'), 'panic');
  assert.is(printName('main.F[go.shape.int]'), 'main.F[...]');
  assert.is(printName('main.(*T[go.shape.int,go.shape.string]).M'), 'main.(*T[...]).M');
  assert.is(printName('main.(*T[go.shape.int]).M[go.shape.string]'), 'main.(*T[...]).M[...]');
  assert.is(printName('main.G[go.shape.[]int]'), 'main.G[...]');
  assert.is(printName('main.plain'), 'main.plain');
});

test.run();
