import * as C from '@elfkit/elf/constants';
import { writeOut } from '../io/output.js';
import { UsageError } from '../errors.js';
import { GnuNames, type GnuFrame } from './gnu-names.js';
import { FrameBuffer, type CodeAnswer } from '@elfkit/symbolize';
import { TextOut } from '../io/text-out.js';
import { eachInputLineTo, searchArgs, SymbolizeSession } from './session.js';

export const ADDR2LINE_USAGE = `usage: elfkit addr2line [options] [addresses...]

A drop-in for GNU addr2line: hexadecimal addresses (0x optional) as
arguments or lines on standard input, answered as soon as each is read.

  -e, --exe=FILE        the binary (default a.out)
  -f, --functions       print function names
  -i, --inlines         print the callers of inlined functions too
  -C, --demangle        demangle C++ and Rust names
  -a, --addresses       print the address first
  -p, --pretty-print    "function at file:line" on one line
  -s, --basenames       file names without their directories
  -j, --section=NAME    addresses are offsets into section NAME
  --no-cache            neither read nor write the index cache (also ELFKIT_INDEX_CACHE=0)
  --cache-dir=DIR       the index cache's folder (see elfkit symbolize --help)
`;

interface Addr2lineOptions {
  exe: string;
  functions: boolean;
  inlines: boolean;
  demangle: boolean;
  addresses: boolean;
  pretty: boolean;
  basenames: boolean;
  section?: string;
  cache: boolean;
  cacheDir?: string;
  help: boolean;
  inputs: string[];
}

const SHORT_FLAGS: Record<string, keyof Addr2lineOptions> = { f: 'functions', i: 'inlines', C: 'demangle', a: 'addresses', p: 'pretty', s: 'basenames', h: 'help' };
const LONG_FLAGS: Record<string, keyof Addr2lineOptions> = {
  functions: 'functions',
  inlines: 'inlines',
  demangle: 'demangle',
  addresses: 'addresses',
  'pretty-print': 'pretty',
  basenames: 'basenames',
  help: 'help',
};

/** GNU getopt_long over addr2line's options (grouped letters, `-efile`, `--exe=file`, `-b`/`-r`/`-R` accepted and ignored). */
export function parseAddr2lineArgs(argv: readonly string[]): Addr2lineOptions {
  const o: Addr2lineOptions = { exe: 'a.out', functions: false, inlines: false, demangle: false, addresses: false, pretty: false, basenames: false, cache: true, help: false, inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      o.inputs.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, value] = a.slice(2).split(/=(.*)/s) as [string, string | undefined];
      if (name === 'exe' || name === 'section' || name === 'target' || name === 'cache-dir') {
        const v = value ?? argv[++i];
        if (v === undefined) throw new UsageError(`option --${name} needs a value`);
        if (name === 'exe') o.exe = v;
        else if (name === 'section') o.section = v;
        else if (name === 'cache-dir') o.cacheDir = v;
      } else if (name === 'no-cache') o.cache = false;
      else if (name === 'demangle') o.demangle = true;
      else if (LONG_FLAGS[name]) (o as unknown as Record<string, boolean>)[LONG_FLAGS[name]!] = true;
      else if (name !== 'no-recurse-limit' && name !== 'recurse-limit') throw new UsageError(`unknown option ${a}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const ch = a[k]!;
        if (ch === 'e' || ch === 'j' || ch === 'b') {
          const v = k + 1 < a.length ? a.slice(k + 1) : argv[++i];
          if (v === undefined) throw new UsageError(`option -${ch} needs a value`);
          if (ch === 'e') o.exe = v;
          else if (ch === 'j') o.section = v;
          break;
        }
        if (ch === 'r' || ch === 'R') continue;
        const key = SHORT_FLAGS[ch];
        if (!key) throw new UsageError(`unknown option -${ch}`);
        (o as unknown as Record<string, boolean>)[key] = true;
      }
      continue;
    }
    o.inputs.push(a);
  }
  return o;
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const utf8 = new TextDecoder();

/** `0x` and 1–16 hex digits, nothing else. */
const PLAIN_HEX = /^0[xX][0-9a-fA-F]{1,16}$/;

/** GNU's bfd_scan_vma in base 16: an optional 0x, then hex digits up to the first other character. */
function scanVma(text: string): bigint {
  // A pipe's usual line: 0x and up to 16 hex digits, nothing else.
  if (PLAIN_HEX.test(text)) return BigInt(text);
  const m = /^\s*(?:0[xX])?([0-9a-fA-F]*)/.exec(text)!;
  return m[1] ? BigInt.asUintN(64, BigInt('0x' + m[1])) : 0n;
}

/** Runs `elfkit addr2line` with its arguments; returns the exit status. */
export async function runAddr2line(argv: readonly string[]): Promise<number> {
  const o = parseAddr2lineArgs(argv);
  if (o.help) {
    writeOut(ADDR2LINE_USAGE);
    return 0;
  }
  const session = new SymbolizeSession({ functionNames: 'linkage', symbolTableNames: false, demangle: false, cache: o.cache, cacheDir: o.cacheDir });
  try {
    const m = await session.module(o.exe);
    if (m.broken) {
      process.stderr.write(`elfkit: '${o.exe}': ${m.broken.reason === 'missing-file' ? 'No such file' : 'file format not recognized'}\n`);
      return 1;
    }
    const elf = m.elf!;
    const wide = elf.bits === 64 ? 16 : 8;
    const mask = elf.bits === 64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn;
    const alloc = elf.sections.filter((s) => (Number(s.flags) & C.SHF_ALLOC) !== 0 && s.size > 0);
    let section = undefined as (typeof alloc)[number] | undefined;
    if (o.section !== undefined) {
      section = elf.sections.find((s) => s.name === o.section);
      if (!section) {
        process.stderr.write(`elfkit: ${o.exe}: cannot find section ${o.section}\n`);
        return 1;
      }
    }
    // A damaged symbol table is reported; the DWARF answers, and the exit status is 1 (GNU addr2line refuses such a file).
    let symbolsDamaged = false;
    const names = new GnuNames(m, await m.dwarf(), (e) => {
      symbolsDamaged = true;
      session.report(m, e);
    });
    // Section bounds as numbers where they fit (always, in practice): no bigint arithmetic per address.
    const allocLo = alloc.map((s) => (s.addr <= MAX_SAFE_BIG ? Number(s.addr) : -1));
    const allocHi = alloc.map((s, i) => (allocLo[i]! >= 0 && allocLo[i]! + s.size <= Number.MAX_SAFE_INTEGER ? allocLo[i]! + s.size : -1));
    const numericSections = !section && allocHi.every((h) => h >= 0);
    /** The sections bfd would ask for `pc` (header order), and `pc` as a file address. */
    const place = (text: string): { pc: bigint; candidates: typeof alloc; prefix: string } => {
      let pc = scanVma(text) & mask;
      const prefix = o.addresses ? `0x${pc.toString(16).padStart(wide, '0')}${o.pretty ? ': ' : '\n'}` : '';
      let candidates: typeof alloc;
      if (section) {
        candidates = pc < BigInt(section.size) ? [section] : [];
        pc += section.addr;
      } else {
        candidates = [];
        for (const s of alloc) if (pc >= s.addr && pc < s.addr + BigInt(s.size)) candidates.push(s);
      }
      return { pc, candidates, prefix };
    };
    /** bfd's frames for `answer` at `pc`: each section that holds the address is asked in turn until one answers. */
    const framesOf = (answer: CodeAnswer | undefined, pc: bigint, candidates: typeof alloc): GnuFrame[] | undefined => {
      let frames: GnuFrame[] | undefined;
      if (answer) for (const s of candidates) if ((frames = names.frames(answer, s, pc))) break;
      return frames;
    };
    /** GNU's text for the first `count` of `frames` (none: GNU's miss) into `out`; names through `demangled` when given. */
    const printInto = (out: TextOut, frames: readonly GnuFrame[] | undefined, demangled?: ReadonlyMap<string, string>, count = frames?.length ?? 0): void => {
      if (!frames || count <= 0) {
        if (o.functions) out.ascii(o.pretty ? '?? ' : '??\n');
        out.ascii('??:0\n');
        return;
      }
      const n = o.inlines ? count : 1;
      for (let i = 0; i < n; i++) {
        const f = frames[i]!;
        if (i > 0 && o.pretty) out.ascii(' (inlined by) ');
        if (o.functions) {
          const name = f.name === undefined ? '??' : (demangled?.get(f.name) ?? f.name);
          out.long(name).ascii(o.pretty ? ' at ' : '\n');
        }
        const file = f.file;
        if (file === undefined) out.ascii('??');
        else if (o.basenames) out.text(file, file.lastIndexOf('/') + 1);
        else out.long(file);
        out.byte(0x3a);
        if (f.line) {
          out.dec(f.line);
          if (f.discriminator) out.ascii(' (discriminator ').dec(f.discriminator).byte(0x29);
        } else out.byte(0x3f);
        out.nl();
      }
    };
    const scratch = new TextOut(1 << 12, true);
    /** GNU's text for `frames`, as a string. */
    const print = (frames: GnuFrame[] | undefined, prefix: string, demangled?: ReadonlyMap<string, string>): string => {
      printInto(scratch, frames, demangled);
      return prefix + utf8.decode(scratch.take());
    };
    const demangleNames = o.demangle && o.functions;
    const answer = async (text: string): Promise<string> => {
      const { pc, candidates, prefix } = place(text);
      const frames = framesOf(candidates.length ? await session.symbolizer.code(m, pc) : undefined, pc, candidates);
      if (!demangleNames || !frames) return print(frames, prefix);
      // The demangler loads on first use: names are demangled before the text is made.
      const demangled = new Map<string, string>();
      for (const f of frames) if (f.name !== undefined && !demangled.has(f.name)) demangled.set(f.name, await session.symbolizer.demangle(f.name, true));
      return print(frames, prefix, demangled);
    };
    /**
     * Writes the answer into `out` without waiting, when it needs nothing
     * from the host (see Symbolizer.codeSync) and no demangling, and returns
     * true; else false (and writes nothing). A pipe of 100,000 addresses pays
     * for no promise, no string per answer then.
     */
    const buffer = new FrameBuffer();
    /** The GNU frames of address `x` (a number) in the sections that hold it: their count, -1 for none; undefined when the host must answer first. */
    const numericFrames = (x: number): number | undefined => {
      let i = 0;
      while (i < alloc.length && !(x >= allocLo[i]! && x < allocHi[i]!)) i++;
      if (i === alloc.length) return -1;
      const pc = BigInt(x);
      if (session.symbolizer.codeInto(m, pc, buffer) === undefined) return undefined;
      let n = -1;
      for (; i < alloc.length; i++) if (x >= allocLo[i]! && x < allocHi[i]! && (n = names.framesInto(buffer.source, buffer.frames, buffer.length, alloc[i]!, pc)) >= 0) break;
      return n;
    };
    /** {@link answerInto} for a pipe's usual line, "0x" and up to 13 hex digits, read as the number `x`. */
    const answerNumberInto = (x: number, out: TextOut): boolean => {
      if (demangleNames || !numericSections || o.addresses || (x > 0xffff_ffff && wide !== 16)) return false;
      const n = numericFrames(x);
      if (n === undefined) return false;
      printInto(out, names.out, undefined, n);
      return true;
    };
    const answerInto = (text: string, out: TextOut): boolean => {
      if (demangleNames) return false;
      // A pipe's usual line ("0x" and up to 13 hex digits) as a number, and the sections by number.
      if (numericSections && !o.addresses && text.length <= 15 && PLAIN_HEX.test(text)) return answerNumberInto(parseInt(text.slice(2), 16), out);
      const p = place(text);
      const pc = p.pc;
      if (p.prefix) {
        let a: CodeAnswer | undefined;
        if (p.candidates.length && !(a = session.symbolizer.codeSync(m, pc))) return false;
        out.ascii(p.prefix);
        printInto(out, framesOf(a, pc, p.candidates));
        return true;
      }
      let n = -1;
      if (p.candidates.length) {
        const found = session.symbolizer.codeInto(m, pc, buffer);
        if (found === undefined) return false;
        for (const s of p.candidates) if ((n = names.framesInto(buffer.source, buffer.frames, buffer.length, s, pc)) >= 0) break;
      }
      printInto(out, names.out, undefined, n);
      return true;
    };
    if (o.inputs.length) {
      let out = '';
      for (const x of o.inputs) out += await answer(x);
      writeOut(out);
    } else {
      const out = new TextOut(1 << 20);
      await eachInputLineTo(
        out,
        (line) => {
          if (answerInto(line, out)) return;
          return answer(line).then((s) => void out.utf8(s));
        },
        undefined,
        (x) => answerNumberInto(x, out),
      );
    }
    return symbolsDamaged ? 1 : 0;
  } finally {
    session.fillCacheLater(searchArgs(o));
    session.close();
  }
}
