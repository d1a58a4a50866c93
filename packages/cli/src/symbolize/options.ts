import { UsageError } from '../errors.js';

/** llvm-symbolizer's settings (LLVM 14 option names). */
export interface SymbolizeOptions {
  obj?: string;
  inlines: boolean;
  functions: 'linkage' | 'short' | 'none';
  demangle: boolean;
  style: 'LLVM' | 'GNU' | 'JSON';
  /** True when --output-style was given (GNU without inlines then names as addr2line does). */
  styleGiven: boolean;
  pretty: boolean;
  addresses: boolean;
  basenames: boolean;
  relativenames: boolean;
  adjustVma: bigint;
  debugFileDirectory: string[];
  dwp?: string;
  /** Fetch missing debug files from DEBUGINFOD_URLS (default: when it names a server, as llvm-symbolizer). */
  debuginfod?: boolean;
  verbose: boolean;
  filter: boolean;
  /** The index cache: false with --no-cache (see docs/symbolize.md). */
  cache: boolean;
  /** --cache-dir: the cache folder instead of $ELFKIT_CACHE_DIR or ~/.cache/elfkit. */
  cacheDir?: string;
  /** --fill-cache: write the index cache of --obj and answer nothing. */
  fillCache: boolean;
  help: boolean;
  inputs: string[];
}

const FLAGS: Record<string, (o: SymbolizeOptions, v: string | undefined) => void> = {
  inlines: (o, v) => (o.inlines = bool(v, 'inlines')),
  inlining: (o, v) => (o.inlines = bool(v, 'inlining')),
  i: (o) => (o.inlines = true),
  'no-inlines': (o) => (o.inlines = false),
  demangle: (o, v) => (o.demangle = bool(v, 'demangle')),
  C: (o) => (o.demangle = true),
  'no-demangle': (o) => (o.demangle = false),
  'pretty-print': (o) => (o.pretty = true),
  p: (o) => (o.pretty = true),
  addresses: (o) => (o.addresses = true),
  'print-address': (o) => (o.addresses = true),
  a: (o) => (o.addresses = true),
  basenames: (o) => (o.basenames = true),
  s: (o) => (o.basenames = true),
  relativenames: (o) => (o.relativenames = true),
  verbose: (o) => (o.verbose = true),
  debuginfod: (o, v) => (o.debuginfod = bool(v, 'debuginfod')),
  'no-debuginfod': (o) => (o.debuginfod = false),
  filter: (o) => (o.filter = true),
  'no-cache': (o) => (o.cache = false),
  cache: (o, v) => (o.cache = bool(v, 'cache')),
  'fill-cache': (o) => (o.fillCache = true),
  help: (o) => (o.help = true),
  h: (o) => (o.help = true),
  f: (o) => (o.functions = 'linkage'),
};

const VALUED: Record<string, (o: SymbolizeOptions, v: string) => void> = {
  obj: (o, v) => (o.obj = v),
  exe: (o, v) => (o.obj = v),
  e: (o, v) => (o.obj = v),
  'output-style': (o, v) => {
    const s = v.toUpperCase();
    if (s !== 'LLVM' && s !== 'GNU' && s !== 'JSON') throw new UsageError(`--output-style must be LLVM, GNU or JSON, not ${v}`);
    o.style = s;
    o.styleGiven = true;
  },
  'adjust-vma': (o, v) => (o.adjustVma = parseNumber(v, 'adjust-vma')),
  'debug-file-directory': (o, v) => o.debugFileDirectory.push(v),
  dwp: (o, v) => (o.dwp = v),
  'cache-dir': (o, v) => (o.cacheDir = v),
};

/** `--functions` takes its value only after `=`; alone it means linkage. */
function functionsOption(o: SymbolizeOptions, v: string | undefined): void {
  const k = v ?? 'linkage';
  if (k !== 'linkage' && k !== 'short' && k !== 'none') throw new UsageError(`--functions must be linkage, short or none, not ${k}`);
  o.functions = k;
}

function bool(v: string | undefined, name: string): boolean {
  if (v === undefined || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new UsageError(`--${name} takes true or false, not ${v}`);
}

function parseNumber(v: string, name: string): bigint {
  const n = parseAddress(v, 0);
  if (n === undefined) throw new UsageError(`--${name}: not a number: ${v}`);
  return n;
}

/**
 * An unsigned integer as LLVM's StringRef::getAsInteger reads it: radix 0
 * guesses from the prefix (0x hex, 0b binary, 0o or a leading 0 octal,
 * else decimal); the whole text must be digits. Undefined when it is not.
 */
export function parseAddress(text: string, radix: 0 | 16): bigint | undefined {
  let s = text;
  let base = radix;
  if (base === 0) {
    if (/^0[xX]/.test(s)) {
      base = 16;
      s = s.slice(2);
    } else if (/^0[bB]/.test(s)) {
      s = s.slice(2);
      if (!/^[01]+$/.test(s)) return undefined;
      return BigInt('0b' + s);
    } else if (/^0[oO]/.test(s)) {
      s = s.slice(2);
      if (!/^[0-7]+$/.test(s)) return undefined;
      return BigInt('0o' + s);
    } else if (/^0[0-7]/.test(s)) {
      if (!/^[0-7]+$/.test(s)) return undefined;
      return BigInt('0o' + s);
    } else {
      if (!/^[0-9]+$/.test(s)) return undefined;
      const v = BigInt(s);
      return v <= 0xffff_ffff_ffff_ffffn ? v : undefined;
    }
  }
  if (!/^[0-9a-fA-F]+$/.test(s)) return undefined;
  const v = BigInt('0x' + s);
  return v <= 0xffff_ffff_ffff_ffffn ? v : undefined;
}

/**
 * Parses llvm-symbolizer's command line: `-x`, `--x`, `--x=v`, `--x v` for
 * options with values, grouped single letters (`-apif`), `-demangle=false`
 * and `-inlining` as pprof sends them.
 */
export function parseSymbolizeArgs(argv: readonly string[]): SymbolizeOptions {
  const o: SymbolizeOptions = {
    inlines: true,
    functions: 'linkage',
    demangle: true,
    style: 'LLVM',
    styleGiven: false,
    pretty: false,
    addresses: false,
    basenames: false,
    relativenames: false,
    adjustVma: 0n,
    debugFileDirectory: [],
    verbose: false,
    filter: false,
    cache: true,
    fillCache: false,
    help: false,
    inputs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      o.inputs.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      o.inputs.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    if (name === 'functions') {
      functionsOption(o, value);
      continue;
    }
    if (VALUED[name]) {
      let v = value;
      if (v === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`option ${a} needs a value`);
        v = argv[++i]!;
      }
      VALUED[name]!(o, v);
      continue;
    }
    if (FLAGS[name]) {
      FLAGS[name]!(o, value);
      continue;
    }
    // Grouped short flags (-apif), the last may take a value (-fe file is not valid; -e must stand alone).
    if (!a.startsWith('--') && value === undefined && [...body].every((ch) => FLAGS[ch])) {
      for (const ch of body) FLAGS[ch]!(o, undefined);
      continue;
    }
    if (!a.startsWith('--') && body[0] === 'e' && body.length > 1) {
      o.obj = body.slice(1);
      continue;
    }
    throw new UsageError(`unknown option ${a}`);
  }
  return o;
}
