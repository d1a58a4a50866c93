import { goQuote, goUnquote, quotedPrefixLength } from './quote.js';

/** A module as `runtime/debug.Module`: empty strings where Go has none. */
export interface GoModule {
  path: string;
  version: string;
  /** Checksum (`h1:…`), empty for the main module and replaced ones without one. */
  sum: string;
  /** The replacement (`=>` line), or null. */
  replace: GoModule | null;
}

/** One `build` line: a setting of the build (`-ldflags`, `GOARCH`, `vcs.revision`, …). */
export interface BuildSetting {
  key: string;
  value: string;
}

/** The build information of a Go binary, as `runtime/debug.BuildInfo`. */
export interface BuildInfo {
  /** Toolchain version (`go1.22.1`): `runtime.buildVersion`, stored apart from the module info. */
  goVersion: string;
  /** Main package path. */
  path: string;
  /** The main module, or null (binaries built outside module mode). */
  main: GoModule | null;
  deps: GoModule[];
  settings: BuildSetting[];
}

/** Why module info text does not parse, with its 1-based line (as Go's ParseBuildInfo). */
export class ModInfoError extends Error {
  override readonly name = 'ModInfoError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`could not parse Go build info: line ${line}: ${reason}`);
  }
}

/** Go's quoting rule for setting keys: empty, or containing `= \t\r\n"` or a backquote. */
export function quoteKey(key: string): boolean {
  return key.length === 0 || /[= \t\r\n"`]/.test(key);
}

/** Go's quoting rule for setting values: containing ` \t\r\n"` or a backquote. */
export function quoteValue(value: string): boolean {
  return /[ \t\r\n"`]/.test(value);
}

function moduleLine(elem: string[], line: number): GoModule {
  if (elem.length !== 2 && elem.length !== 3) throw new ModInfoError(line, `expected 2 or 3 columns; got ${elem.length}`);
  return { path: elem[0]!, version: elem[1]!, sum: elem[2] ?? '', replace: null };
}

/**
 * Parses module info text (the `modinfo` string without its sentinels) as
 * `runtime/debug.ParseBuildInfo` does — the reverse of
 * {@link formatBuildInfo} except for the Go version, which is not in it.
 * Lines it does not know are ignored, as Go ignores them.
 */
export function parseModInfo(data: string, goVersion = ''): BuildInfo {
  const bi: BuildInfo = { goVersion, path: '', main: null, deps: [], settings: [] };
  let last: GoModule | null = null;
  let lineNum = 1;
  let rest = data;
  for (;;) {
    const nl = rest.indexOf('\n');
    if (nl < 0) break;
    const line = rest.slice(0, nl);
    rest = rest.slice(nl + 1);
    if (line.startsWith('path\t')) {
      bi.path = line.slice(5);
    } else if (line.startsWith('mod\t')) {
      bi.main = moduleLine(line.slice(4).split('\t'), lineNum);
      last = bi.main;
    } else if (line.startsWith('dep\t')) {
      last = moduleLine(line.slice(4).split('\t'), lineNum);
      bi.deps.push(last);
    } else if (line.startsWith('=>\t')) {
      const elem = line.slice(3).split('\t');
      if (elem.length !== 3) throw new ModInfoError(lineNum, `expected 3 columns for replacement; got ${elem.length}`);
      if (!last) throw new ModInfoError(lineNum, 'replacement with no module on previous line');
      last.replace = { path: elem[0]!, version: elem[1]!, sum: elem[2]!, replace: null };
      last = null;
    } else if (line.startsWith('build\t')) {
      bi.settings.push(buildLine(line.slice(6), lineNum));
    }
    lineNum++;
  }
  return bi;
}

function buildLine(kv: string, line: number): BuildSetting {
  if (kv.length < 1) throw new ModInfoError(line, "build line missing '='");
  let key: string;
  let raw: string;
  if (kv[0] === '=') throw new ModInfoError(line, 'build line with missing key');
  if (kv[0] === '`' || kv[0] === '"') {
    const n = quotedPrefixLength(kv);
    if (n < 0) throw new ModInfoError(line, 'invalid quoted key in build line');
    if (kv.length === n) throw new ModInfoError(line, "build line missing '=' after quoted key");
    if (kv[n] !== '=') throw new ModInfoError(line, `unexpected character after quoted key: ${goQuote(kv[n]!).replace(/^"|"$/g, "'")}`);
    key = goUnquote(kv.slice(0, n))!;
    raw = kv.slice(n + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq < 0) throw new ModInfoError(line, "build line missing '=' after key");
    key = kv.slice(0, eq);
    raw = kv.slice(eq + 1);
    if (quoteKey(key)) throw new ModInfoError(line, `unquoted key ${goQuote(key)} must be quoted`);
  }
  let value = '';
  if (raw.length > 0) {
    if (raw[0] === '`' || raw[0] === '"') {
      const v = goUnquote(raw);
      if (v === undefined) throw new ModInfoError(line, 'invalid quoted value in build line');
      value = v;
    } else {
      value = raw;
      if (quoteValue(value)) throw new ModInfoError(line, `unquoted value ${goQuote(value)} must be quoted`);
    }
  }
  return { key, value };
}

function isEmptyModule(m: GoModule | null): boolean {
  return !m || (m.path === '' && m.version === '' && m.sum === '' && m.replace === null);
}

/**
 * `runtime/debug.BuildInfo.String`: `go`, `path`, `mod`, `dep`, `=>` and
 * `build` lines, tab-separated, keys and values quoted by Go's rules.
 * (A replaced module's `=>` line is followed by an empty line, exactly as
 * Go writes it.)
 */
export function formatBuildInfo(bi: BuildInfo): string {
  let out = '';
  if (bi.goVersion !== '') out += `go\t${bi.goVersion}\n`;
  if (bi.path !== '') out += `path\t${bi.path}\n`;
  const formatMod = (word: string, m: GoModule) => {
    out += `${word}\t${m.path}\t${m.version}`;
    if (m.replace === null) out += `\t${m.sum}`;
    else {
      out += '\n';
      formatMod('=>', m.replace);
    }
    out += '\n';
  };
  if (!isEmptyModule(bi.main)) formatMod('mod', bi.main!);
  for (const d of bi.deps) formatMod('dep', d);
  for (const s of bi.settings) {
    const key = quoteKey(s.key) ? goQuote(s.key) : s.key;
    const value = quoteValue(s.value) ? goQuote(s.value) : s.value;
    out += `build\t${key}=${value}\n`;
  }
  return out;
}

/**
 * What `go version -m <file>` prints: `<file>: <go version>`, then the
 * module info lines indented by a tab (without the `go` line).
 */
export function formatVersionM(file: string, bi: BuildInfo): string {
  let out = `${file}: ${bi.goVersion}\n`;
  const mod = formatBuildInfo({ ...bi, goVersion: '' });
  if (mod.length > 0) out += '\t' + mod.slice(0, -1).replaceAll('\n', '\n\t') + '\n';
  return out;
}
