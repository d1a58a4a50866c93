// `elfkit symbolize` against llvm-symbolizer 14 (JSON, field by field,
// inline chains included) and `elfkit addr2line -f -i -a` against GNU
// addr2line, on every C/C++ fixture and the Go fixtures with DWARF. Each
// tool runs once per file with all its addresses on standard input: every
// line-table row address, one between each pair of rows, and the symbols.
// Every difference is counted under a named cause; an unexplained one fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ElfFile } from '@elfkit/elf';
import { Dwarf, DW_AT_abstract_origin, DW_AT_decl_file, DW_AT_linkage_name, DW_AT_low_pc, DW_AT_MIPS_linkage_name, DW_AT_name, DW_AT_specification, DW_FORM_implicit_const, type DieCursor, type Unit } from '@elfkit/dwarf';
import { elfLoader } from '@elfkit/symbolize';
import { run, skip, which } from '@elfkit/fixtures';
import { addresses, dwarfOf, targets } from './symbolize-sample.js';
import { elfkit } from './cli.js';

interface JsonFrame {
  FunctionName: string;
  FileName: string;
  Line: number;
  Column: number;
  Discriminator: number;
  StartFileName: string;
  StartLine: number;
  StartAddress: string;
}
interface JsonAnswer {
  Address?: string;
  ModuleName: string;
  Symbol?: JsonFrame[];
}

/** Every DWARF of a fixture: its own (or its .debug file's) and its .dwp package's. */
function dwarfsOf(path: string): Dwarf[] {
  const out: Dwarf[] = [];
  const own = dwarfOf(path);
  if (own) out.push(own.dwarf);
  try {
    const dwp = ElfFile.parse(new Uint8Array(readFileSync(path + '.dwp')));
    out.push(Dwarf.load(elfLoader(dwp).load, { order: dwp.header.order }));
  } catch {
    // no package
  }
  return out;
}

/**
 * Names of functions whose declaration file LLVM 14 does not find (its
 * StartFileName is then empty): DW_AT_decl_file in DW_FORM_implicit_const
 * (its getAsUnsignedConstant rejects that form), or reachable only through
 * DW_AT_specification (its getDeclFile follows DW_AT_abstract_origin alone).
 */
function llvmMissingDeclFiles(path: string): { implicitConst: Set<string>; viaSpecification: Set<string> } {
  const implicitConst = new Set<string>();
  const viaSpecification = new Set<string>();
  const names = (u: Unit, c: DieCursor, into: Set<string>) => {
    for (const at of [DW_AT_name, DW_AT_linkage_name, DW_AT_MIPS_linkage_name]) {
      const a = c.attr(at);
      const s = a && u.attrString(a);
      if (s) into.add(s);
    }
  };
  for (const dwarf of dwarfsOf(path)) {
    const specOnly = new Set<number>();
    const implicitOff = new Set<number>();
    const units = [...dwarf.units(() => {})];
    for (const u of units) {
      try {
        const c = u.entries();
        while (c.next()) {
          const df = c.attr(DW_AT_decl_file);
          if (df && df.form === DW_FORM_implicit_const) {
            names(u, c, implicitConst);
            implicitOff.add(c.offset);
          }
          if (!df && c.attr(DW_AT_specification)) {
            specOnly.add(c.offset);
            names(u, c, viaSpecification);
          }
        }
      } catch {
        // skip unreadable units
      }
    }
    for (const u of units) {
      try {
        const c = u.entries();
        while (c.next()) {
          const ao = c.attr(DW_AT_abstract_origin);
          if (!ao || c.attr(DW_AT_decl_file)) continue;
          const target = u.refOffset(ao);
          const into = specOnly.has(target) ? viaSpecification : implicitOff.has(target) ? implicitConst : undefined;
          if (!into) continue;
          names(u, c, into);
          const low = c.attr(DW_AT_low_pc);
          const a = low && u.attrAddress(low);
          if (a !== undefined) into.add('0x' + a.toString(16));
        }
      } catch {
        // skip unreadable units
      }
    }
  }
  return { implicitConst, viaSpecification };
}

const llvm = which('llvm-symbolizer') ?? which('llvm-symbolizer-14');

test('elfkit symbolize = llvm-symbolizer --output-style=JSON, field by field, on 100,000+ addresses', async () => {
  if (!llvm) return skip('llvm-symbolizer oracle', 'llvm-symbolizer not installed (apt-get install llvm)');
  let addressCount = 0;
  let frameCount = 0;
  const causes = new Map<string, number>();
  const unexplained: string[] = [];
  const count = (cause: string) => causes.set(cause, (causes.get(cause) ?? 0) + 1);
  for (const t of targets()) {
    const addrs = addresses(t.path, t.sample);
    const input = addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
    const args = ['--output-style=JSON', '--no-demangle', `--obj=${t.path}`];
    const theirs = run(llvm, args, { input });
    const ours = elfkit(['symbolize', ...args], { input: new TextEncoder().encode(input) });
    assert.is(ours.status, 0, `${t.name}: ${ours.stderr}`);
    const a = theirs.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonAnswer);
    const b = ours.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonAnswer);
    assert.is(b.length, a.length, `${t.name}: one answer per address`);
    const missing = llvmMissingDeclFiles(t.path);
    addressCount += a.length;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      const fx = x.Symbol ?? [];
      const fy = y.Symbol ?? [];
      frameCount += fx.length;
      if (x.Address !== y.Address) {
        unexplained.push(`${t.name} line ${i}: address ${x.Address} vs ${y.Address}`);
        continue;
      }
      if (t.zstd && JSON.stringify(fx) !== JSON.stringify(fy)) {
        // LLVM 14 predates zstd support (ELFCOMPRESS_ZSTD came in LLVM 16): it
        // sees no DWARF there and answers from the symbol table alone.
        count('LLVM 14 cannot read zstd-compressed DWARF (answers from the symbol table)');
        continue;
      }
      if (t.name.startsWith('go/') && fx.length === 1 && fx[0]!.FunctionName === '' && fx[0]!.FileName === '' && fy.length >= 1 && fy[fy.length - 1]!.FunctionName !== '') {
        // No DWARF unit covers the address (Go assembly): llvm-symbolizer has
        // nothing, elfkit answers from the pclntab (checked against
        // `go tool addr2line` in symbolize-go.test.ts).
        count('no DWARF unit covers the address; elfkit answers from the Go pclntab, llvm-symbolizer prints ??');
        continue;
      }
      if (fx.length !== fy.length) {
        unexplained.push(`${t.name} ${x.Address}: ${fx.length} frames vs ${fy.length}: ${JSON.stringify(fx)} / ${JSON.stringify(fy)}`);
        continue;
      }
      for (let k = 0; k < fx.length; k++) {
        const p = fx[k]!;
        const q = fy[k]!;
        for (const key of Object.keys(p) as (keyof JsonFrame)[]) {
          if (p[key] === q[key]) continue;
          if (key === 'StartFileName' && p[key] === '' && (missing.implicitConst.has(q.FunctionName) || missing.implicitConst.has(q.StartAddress))) {
            count('LLVM 14 ignores a DW_AT_decl_file in DW_FORM_implicit_const (StartFileName empty)');
            continue;
          }
          if ((key === 'StartFileName' || key === 'FileName') && p[key] === '././' + q[key]!.toString().replace(/^\.\//, '')) {
            // LLVM 14 joins DW_AT_comp_dir (".") to a DWARF 5 file in directory 0,
            // which already is the compilation directory (fixed in later LLVM).
            count('LLVM 14 joins DW_AT_comp_dir to DWARF 5 directory 0 ("././x" for "./x")');
            continue;
          }
          if (key === 'StartFileName' && p[key] === '' && (missing.viaSpecification.has(q.FunctionName) || missing.viaSpecification.has(q.StartAddress))) {
            count('LLVM 14 does not follow DW_AT_specification to DW_AT_decl_file (StartFileName empty)');
            continue;
          }
          unexplained.push(`${t.name} ${x.Address} frame ${k} ${key}: llvm ${JSON.stringify(p[key])} elfkit ${JSON.stringify(q[key])}`);
        }
      }
    }
  }
  const summary = [...causes].map(([c, n]) => `${n} × ${c}`).join('; ') || 'none';
  console.log(`llvm-symbolizer: ${addressCount} addresses, ${frameCount} frames compared; differences by cause: ${summary}; unexplained: ${unexplained.length}`);
  if (unexplained.length) console.log(unexplained.slice(0, 40).join("\n"));
  if (process.env.ELFKIT_ORACLE_DUMP) (await import("node:fs")).writeFileSync(process.env.ELFKIT_ORACLE_DUMP, unexplained.join("\n"));
  assert.ok(addressCount >= 100_000, `only ${addressCount} addresses`);
  assert.is(unexplained.length, 0);
});

test.run();
