import type { SizeRow } from './rows.js';

/**
 * `x` with `digits` decimals as C's printf rounds it: exactly, ties to
 * even (JavaScript's toFixed breaks ties away from zero). Ties are exact
 * binary fractions: k/2, k/4 or k/8 for 0, 1 or 2 decimals.
 */
export function printfFixed(x: number, digits: 0 | 1 | 2, sign = false): string {
  if (Number.isNaN(x)) return 'NAN';
  if (!Number.isFinite(x)) return x > 0 ? (sign ? '+INF' : 'INF') : '-INF';
  const abs = Math.abs(x);
  let s = abs.toFixed(digits);
  const q = abs * 2 ** (digits + 1);
  if (Number.isInteger(q) && q % 2 === 1) {
    // An exact tie: toFixed rounded up; C keeps the even neighbour.
    const scaled = Math.floor(abs * 10 ** digits);
    if (scaled % 2 === 0) s = (scaled / 10 ** digits).toFixed(digits);
  }
  const neg = x < 0 || Object.is(x, -0);
  return (neg ? '-' : sign ? '+' : '') + s;
}

function leftPad(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** A size as bloaty prints it: 1024-based `Ki`/`Mi`/`Gi`, 3 significant digits, 7 wide (`+` in a diff). */
export function formatSize(size: number, sign = false): string {
  const prefixes = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let n = 0;
  let d = size;
  while (Math.abs(d) > 1024 && n < prefixes.length - 2) {
    d /= 1024;
    n++;
  }
  let s: string;
  if (Math.abs(d) > 100 || n === 0) s = (sign && size > 0 ? '+' : '') + String(Math.trunc(d)) + prefixes[n];
  else if (Math.abs(d) > 10) s = printfFixed(d, 1, sign) + prefixes[n];
  else s = printfFixed(d, 2, sign) + prefixes[n];
  return leftPad(s, 7);
}

/** A percentage as bloaty prints it: ` 56.9%`; in a diff `+12.5%`, `[ = ]`, `[NEW]`, `[DEL]`, `+13e2%`. */
export function formatPercent(p: number, diff: boolean): string {
  if (!diff) return leftPad(printfFixed(p, 1), 5) + '%';
  if (p === 0 || Number.isNaN(p)) return ' [ = ]';
  if (p === -100) return ' [DEL]';
  if (!Number.isFinite(p)) return ' [NEW]';
  let s: string;
  if (p > 1000) {
    const digits = Math.trunc(Math.log10(p) - 1);
    s = leftPad(printfFixed(p / 10 ** digits, 0, true), 2) + 'e' + digits + '%';
  } else if (p > 10) s = leftPad(printfFixed(p, 0, true), 4) + '%';
  else s = leftPad(printfFixed(p, 1, true), 5) + '%';
  return leftPad(s, 6);
}

/** Which columns to print: bloaty's `--domain`. */
export type Domain = 'vm' | 'file' | 'both';

/** Options for {@link formatRows}. */
export interface TextOptions {
  /** True for the rows of a diff (signed sizes, change percentages). */
  diff?: boolean;
  domain?: Domain;
}

function sameLabel(a: string, b: string): boolean {
  return a === b || b.endsWith(a + ']') || a.endsWith(b + ']');
}

/**
 * The table bloaty prints: FILE SIZE and VM SIZE columns (percentage and
 * size), each level indented two more spaces, then the TOTAL row.
 */
export function formatRows(root: SizeRow, options: TextOptions = {}): string {
  const diff = options.diff ?? false;
  const showFile = options.domain !== 'vm';
  const showVm = options.domain !== 'file';
  const out: string[] = [];
  out.push((showFile ? '    FILE SIZE   ' : '') + (showVm ? '     VM SIZE    ' : ''));
  out.push((showFile ? ' -------------- ' : '') + (showVm ? ' -------------- ' : ''));
  const row = (r: SizeRow, indent: number, total: boolean) => {
    if (!total && ((!showFile && r.vmSize === 0) || (!showVm && r.fileSize === 0))) return;
    let line = ' '.repeat(indent) + ' ';
    if (showFile) line += formatPercent(r.filePercent, diff) + ' ' + formatSize(r.fileSize, diff) + ' ';
    if (showVm) line += formatPercent(r.vmPercent, diff) + ' ' + formatSize(r.vmSize, diff) + ' ';
    out.push(line + '   ' + r.label);
  };
  const tree = (r: SizeRow, indent: number) => {
    row(r, indent, false);
    if (!r.vmSize && !r.fileSize) return;
    if (r.children.length === 1 && r.children[0]!.children.length === 0 && sameLabel(r.label, r.children[0]!.label)) return;
    for (const c of r.children) tree(c, indent + 2);
  };
  for (const c of root.children) tree(c, 0);
  row(root, 0, true);
  return out.join('\n') + '\n';
}

function csvEscape(s: string): string {
  return /[",]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/**
 * bloaty's `--csv` / `--tsv`: a header of the source names then `vmsize,filesize`,
 * and one line per leaf row with its labels (empty for levels it has
 * none) and its sizes in bytes.
 */
export function formatDelimited(root: SizeRow, sources: readonly string[], tabs: boolean): string {
  const sep = tabs ? '\t' : ',';
  const out: string[] = [[...sources, 'vmsize', 'filesize'].join(sep)];
  const walk = (r: SizeRow, labels: string[]) => {
    const here = [...labels, tabs ? r.label : csvEscape(r.label)];
    if (r.children.length > 0) for (const c of r.children) walk(c, here);
    else {
      while (here.length < sources.length) here.push('');
      out.push([...here, String(r.vmSize), String(r.fileSize)].join(sep));
    }
  };
  for (const c of root.children) walk(c, []);
  return out.join('\n') + '\n';
}
