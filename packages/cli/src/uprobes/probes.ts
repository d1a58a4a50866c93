import { isParseError, type ParseError } from '@elfkit/binary';
import type { DwarfTypes } from '@elfkit/dwarf';
import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { readRawBuildInfo, type GoSymbols } from '@elfkit/gosym';
import { CodeMap } from './code-map.js';
import { globMatcher, listFunctions, type ProbeFunction } from './functions.js';
import { AMD64_ABI, ARM64_ABI, goArgLocations, type GoArgLocation, type GoRegisterAbi } from './go-abi.js';
import type { ReturnScanner } from './return-scanner.js';
import type { GoImage } from '@elfkit/gosym';

/** A place to attach a uprobe: the virtual address and the file offset the kernel takes. */
export interface ProbePoint {
  readonly address: bigint;
  readonly offset: number;
}

/** A function's attach points. */
export interface FunctionProbes {
  readonly name: string;
  readonly source: ProbeFunction['source'];
  readonly entry: ProbePoint;
  readonly end?: bigint;
  /** Each return instruction; undefined when they cannot be found (no end, or a machine without a scanner). */
  readonly returns?: readonly ProbePoint[];
  /** Go ABIInternal: where each argument is at entry and each result at a return; undefined without DWARF types. */
  readonly args?: readonly GoArgLocation[];
}

/** Everything `elfkit uprobes` reports about a binary. */
export interface UprobeReport {
  readonly machine: 'x86-64' | 'i386' | 'AArch64' | string;
  /** ET_EXEC or ET_DYN: how bpftrace reads an address (see the bpftrace writer). */
  readonly elfType: 'exec' | 'dyn' | 'other';
  readonly goVersion?: string;
  /** Where the function names came from. */
  readonly functionSource: 'pclntab' | 'symtab' | 'dynsym' | 'pclntab+symtab' | 'none';
  /** True when the file has a `.symtab` (bpftrace can check instruction boundaries). */
  readonly hasSymtab: boolean;
  readonly decoder?: string;
  /** `Go ABIInternal (amd64)` when argument registers were computed. */
  readonly abi?: string;
  /** Why something is missing (no DWARF, no return scanner for the machine). */
  readonly notes: string[];
  readonly functions: FunctionProbes[];
}

const MACHINES: Record<number, string> = { [C.EM_X86_64]: 'x86-64', [C.EM_386]: 'i386', [C.EM_AARCH64]: 'AArch64', [C.EM_ARM]: 'ARM', [C.EM_PPC64]: 'PowerPC64', [C.EM_S390]: 's390x', [C.EM_MIPS]: 'MIPS', [C.EM_RISCV]: 'RISC-V' };

/** The Go release as [major, minor] from `go1.19.8`; undefined for other strings. */
function goRelease(v: string | undefined): [number, number] | undefined {
  const m = v ? /go(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * Go's register ABI for this binary, or why there is none: amd64 from Go
 * 1.17, arm64 from 1.18 (release notes); a binary without a version
 * string uses it when its pclntab is of the 1.18+ format.
 */
function registerAbi(elf: ElfFile, goVersion: string | undefined, go: GoSymbols): GoRegisterAbi | string {
  const abi = elf.header.machine === C.EM_X86_64 ? AMD64_ABI : elf.header.machine === C.EM_AARCH64 ? ARM64_ABI : undefined;
  if (!abi) return `Go passes arguments on the stack (ABI0) on ${MACHINES[elf.header.machine] ?? `machine ${elf.header.machine}`}; argument registers are given for amd64 and arm64`;
  const rel = goRelease(goVersion);
  const since = abi.arch === 'amd64' ? 17 : 18;
  const modern = rel ? rel[0] > 1 || rel[1] >= since : go.table.header.format === '1.18' || go.table.header.format === '1.20';
  if (!modern) return `${goVersion ?? 'this Go release'} passes arguments on the stack on ${abi.arch} (the register ABI came in Go 1.${since})`;
  return abi;
}

/** What {@link buildReport} needs besides the file. */
export interface ReportInputs {
  readonly elf: ElfFile;
  readonly image: GoImage;
  /** The pclntab, when the binary is Go. */
  readonly go?: GoSymbols;
  readonly scanner?: ReturnScanner;
  /** Opens the DWARF types (only called for Go binaries with a register ABI). */
  readonly types: () => DwarfTypes | undefined;
  readonly patterns: readonly string[];
  readonly errors: ParseError[];
}

/** Lists the functions matching the patterns with their entry and return probe points and, for Go, their argument registers. */
export function buildReport(inp: ReportInputs): UprobeReport {
  const { elf, go, scanner, errors } = inp;
  const code = new CodeMap(elf);
  const notes: string[] = [];
  let goVersion: string | undefined;
  if (go) {
    try {
      goVersion = readRawBuildInfo(inp.image)?.goVersion;
    } catch (e) {
      if (!isParseError(e)) throw e;
    }
  }
  const all = listFunctions(elf, code, go, errors);
  const match = globMatcher(inp.patterns);
  const chosen = all.filter((f) => match(f.name));
  const hasSymtab = elf.symbolTables('symtab').length > 0;
  const sources = new Set(all.map((f) => f.source));
  const functionSource = sources.size === 0 ? 'none' : sources.has('pclntab') ? (sources.size > 1 ? 'pclntab+symtab' : 'pclntab') : sources.has('symtab') ? 'symtab' : 'dynsym';
  if (!scanner) notes.push(`return instructions are found on x86 and AArch64 only; this is ${MACHINES[elf.header.machine] ?? `machine ${elf.header.machine}`}`);
  // Go argument registers: from the parameter types DWARF gives.
  let abi: GoRegisterAbi | undefined;
  let types: DwarfTypes | undefined;
  if (go && chosen.some((f) => f.source === 'pclntab')) {
    const a = registerAbi(elf, goVersion, go);
    if (typeof a === 'string') notes.push(a);
    else {
      types = inp.types();
      if (types) abi = a;
      else notes.push('no DWARF: argument registers need the parameter types DWARF gives (this binary was built with -ldflags=-w or stripped); entries and returns come from the pclntab');
    }
  }
  const functions: FunctionProbes[] = [];
  for (const f of chosen) {
    // listFunctions keeps only functions whose entry is in an executable segment's file bytes.
    const s = code.segmentAt(f.entry)!;
    const at = Number(f.entry - s.vaddr);
    let returns: ProbePoint[] | undefined;
    if (scanner && f.end !== undefined) {
      const length = code.codeLength(s, at, f.entry, f.end);
      if (length !== undefined) returns = scanner.scan(s, at, length).map((p) => ({ address: s.vaddr + BigInt(p), offset: s.offset + p }));
    }
    let args: GoArgLocation[] | undefined;
    if (abi && types && f.source === 'pclntab') {
      try {
        // DWARF describes the function with the Go body: an ABI wrapper of the
        // same name (another entry) passes its arguments differently.
        const df = types.findFunc(f.name);
        if (df && !df.declaration && df.lowPc === f.entry) args = goArgLocations(df, abi);
      } catch (e) {
        if (!isParseError(e)) throw e;
        errors.push(e);
      }
    }
    functions.push({ name: f.name, source: f.source, entry: { address: f.entry, offset: s.offset + at }, end: f.end, returns, args });
  }
  return {
    machine: MACHINES[elf.header.machine] ?? `machine ${elf.header.machine}`,
    elfType: elf.header.type === C.ET_EXEC ? 'exec' : elf.header.type === C.ET_DYN ? 'dyn' : 'other',
    goVersion,
    functionSource,
    hasSymtab,
    decoder: scanner?.decoder,
    abi: abi ? `Go ABIInternal (${abi.arch})` : undefined,
    notes,
    functions,
  };
}
