import type { GoArgLocation } from './go-abi.js';
import type { FunctionProbes, UprobeReport } from './probes.js';

const hex = (v: bigint | number) => '0x' + v.toString(16);

/** `name=RAX`, `s=(RAX,RBX)`, `big=SP+8`, `empty=-`. */
function argText(a: GoArgLocation): string {
  const name = a.name.replace(/^~/, '');
  if (a.registers) return `${name}=${a.registers.length === 1 ? a.registers[0] : a.registers.length === 0 ? '-' : `(${a.registers.join(',')})`}`;
  return `${name}=SP+${a.stack}`;
}

/** `runtime.gopark(unlockf=RAX, lock=RBX) (~r0=RAX)`: arguments where they are at entry, results at a return. */
export function signatureText(f: FunctionProbes): string {
  if (!f.args) return f.name;
  const args = f.args.filter((a) => !a.result).map(argText);
  const results = f.args.filter((a) => a.result).map(argText);
  return `${f.name}(${args.join(', ')})${results.length ? ` -> (${results.join(', ')})` : ''}`;
}

/** The header lines: what the binary is and where the answers came from. */
function describe(path: string, r: UprobeReport): string[] {
  const out = [`# ${path}: ${r.machine} ${r.elfType === 'dyn' ? 'shared object or PIE' : 'executable'}${r.goVersion ? `, ${r.goVersion}` : ''}; functions from ${r.functionSource}${r.decoder ? `; returns by ${r.decoder}` : ''}${r.abi ? `; arguments by ${r.abi} from DWARF` : ''}`];
  for (const n of r.notes) out.push(`# ${n}`);
  return out;
}

/**
 * The text listing: per function its entry file offset and address, the
 * function with its Go argument registers, and the file offsets of its
 * return instructions (the kernel's uprobe interface takes file offsets);
 * `returns ?` when they could not be found.
 */
export function uprobesText(path: string, r: UprobeReport): string {
  // Each entry's two numbers in hex, made once for the column widths and the rows.
  const offsets = r.functions.map((f) => hex(f.entry.offset));
  const addresses = r.functions.map((f) => hex(f.entry.address));
  const w1 = Math.max(6, ...offsets.map((h) => h.length));
  const w2 = Math.max(7, ...addresses.map((h) => h.length));
  const lines = describe(path, r);
  lines.push(`${'Offset'.padEnd(w1)}  ${'Address'.padEnd(w2)}  Function  returns (offsets)`);
  r.functions.forEach((f, i) => {
    const rets = f.returns ? (f.returns.length ? f.returns.map((x) => hex(x.offset)).join(' ') : '-') : '?';
    lines.push(`${offsets[i]!.padEnd(w1)}  ${addresses[i]!.padEnd(w2)}  ${signatureText(f)}  returns ${rets}`);
  });
  return lines.join('\n') + '\n';
}

/** The JSON document (docs/json-uprobes.md). */
export function uprobesJson(path: string, r: UprobeReport) {
  const point = (p: { address: bigint; offset: number }) => ({ address: p.address, offset: p.offset });
  return {
    file: path,
    machine: r.machine,
    elfType: r.elfType,
    goVersion: r.goVersion ?? null,
    functionSource: r.functionSource,
    decoder: r.decoder ?? null,
    abi: r.abi ?? null,
    notes: r.notes,
    functions: r.functions.map((f) => ({
      name: f.name,
      source: f.source,
      address: f.entry.address,
      end: f.end ?? null,
      offset: f.entry.offset,
      returns: f.returns ? f.returns.map(point) : null,
      args: f.args
        ? f.args.map((a) => ({ name: a.name, type: a.type, result: a.result, size: a.size, registers: a.registers ?? null, stack: a.stack ?? null }))
        : null,
    })),
  };
}

/** bpftrace's names for the registers Go passes integers in (`reg("ax")`); floats have none. */
const BPF_REGS: Record<string, string> = { RAX: 'ax', RBX: 'bx', RCX: 'cx', RDI: 'di', RSI: 'si', R8: 'r8', R9: 'r9', R10: 'r10', R11: 'r11' };
const bpfReg = (r: string) => BPF_REGS[r] ?? (/^R(\d+)$/.exec(r) ? `r${r.slice(1)}` : undefined);

/**
 * A bpftrace program: an entry uprobe per function and one uprobe on its
 * return instructions (for Go, in place of a uretprobe), counting calls.
 * bpftrace reads `uprobe:PATH:NUMBER` two ways: a binary with a symbol
 * table resolves the number as a virtual address (and checks it is on an
 * instruction boundary); a stripped one, run with `--unsafe`, takes the
 * number as the file offset itself (bpftrace's attached_probe.cpp,
 * resolve_offset_uprobe). So addresses are printed for the first and file
 * offsets for the second.
 */
export function uprobesBpftrace(path: string, r: UprobeReport): string {
  const useOffsets = !r.hasSymtab;
  const at = (p: { address: bigint; offset: number }) => `uprobe:${path}:${hex(useOffsets ? p.offset : p.address)}`;
  const out = describe(path, r).map((l) => '//' + l.slice(1));
  out.push(
    useOffsets
      ? '// no symbol table: run bpftrace with --unsafe; the numbers below are file offsets, which it then uses as they are'
      : '// the numbers below are virtual addresses; bpftrace finds the function symbol and turns them into file offsets',
  );
  if (r.goVersion) out.push('// Go moves goroutine stacks, which uretprobes break: each function\'s return instructions get entry uprobes instead');
  for (const f of r.functions) {
    const quoted = JSON.stringify(f.name);
    const regs = (f.args ?? [])
      .filter((a) => !a.result && a.registers?.length === 1 && bpfReg(a.registers[0]!))
      .map((a) => `${a.name}=reg("${bpfReg(a.registers![0]!)}")`);
    out.push(`${at(f.entry)} { @calls[${quoted}] = count(); }${regs.length ? ` // ${regs.join(' ')}` : ''}`);
    if (f.returns?.length) out.push(`${f.returns.map(at).join(', ')} { @returns[${quoted}] = count(); }`);
  }
  return out.join('\n') + '\n';
}
