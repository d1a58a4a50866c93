import { ARGS_SIZE_UNKNOWN, FORMAT_RELEASES, formatVersionM, type GoInspection, type PcLnTable } from '@elfkit/gosym';
import type { Fact, GoSummary } from '../protocol.js';
import { col, type TableSource } from './table.js';
import { hex } from './format.js';

/** Build info, build id and pclntab facts, as `elfkit go info` reports them. */
export function goSummary(name: string, g: GoInspection): GoSummary {
  const bi = g.buildInfo;
  const setting = (k: string) => bi?.settings.find((s) => s.key === k)?.value;
  const facts: Fact[] = [['Kind', g.kind]];
  if (bi) {
    facts.push(['Go version', bi.goVersion]);
    if (bi.path) facts.push(['Path', bi.path]);
    if (bi.main) facts.push(['Main module', `${bi.main.path} ${bi.main.version}`]);
    facts.push(['Dependencies', String(bi.deps.length)]);
    for (const k of ['GOOS', 'GOARCH', 'CGO_ENABLED', 'vcs', 'vcs.revision', 'vcs.time', 'vcs.modified']) {
      const v = setting(k);
      if (v !== undefined) facts.push([k, v]);
    }
  } else if (g.rawBuildInfo) {
    // Only the module info is damaged (its error is listed): the Go version, read before it, still shows.
    facts.push(['Go version', g.rawBuildInfo.goVersion]);
  }
  if (g.buildId) facts.push(['Go build ID', g.buildId]);
  const s = g.symbols;
  if (s) {
    const h = s.table.header;
    facts.push(['pclntab', `${hex(s.location.address)}, ${s.location.data.length} bytes (${s.location.source})`]);
    facts.push(['pclntab format', `${h.format} (Go ${FORMAT_RELEASES[h.format]}), magic ${hex(h.magic)}`]);
    facts.push(['Functions', String(s.table.funcCount)]);
    facts.push(['Files', String(h.nfiles)]);
    facts.push(['Text start', `${hex(s.table.textStart)} (${s.textStartSource})`]);
  }
  return { facts, buildInfo: bi ? formatVersionM(name, bi) : null, errors: g.errors.map((e) => e.message) };
}

/** The pclntab's functions, one row each, decoded as shown. */
export function goFuncTable(t: PcLnTable): TableSource {
  const n = t.funcCount;
  const cells: ((i: number) => string)[] = [
    (i) => hex(t.func(i).entry),
    (i) => hex(t.func(i).end),
    (i) => String(t.func(i).end - t.func(i).entry),
    (i) => String(t.func(i).frameSize),
    (i) => (t.func(i).args === ARGS_SIZE_UNKNOWN ? '?' : String(t.func(i).args)),
    (i) => t.funcName(i),
    (i) => {
      const f = t.func(i);
      const line = f.startLine ?? f.entryLine;
      return `${f.file ?? '?'}${line !== undefined ? ':' + line : ''}`;
    },
  ];
  return {
    id: 'go-funcs',
    columns: [col('Entry', 'right', 1.2), col('End', 'right', 1.2), col('Size', 'right', 0.6), col('Frame', 'right', 0.5), col('Args', 'right', 0.4), col('Name', 'left', 4), col('File', 'left', 4)],
    rows: n,
    cell: (r, c) => cells[c]!(r),
    sortKey: (r, c) => (c === 0 ? t.func(r).entry : c === 1 ? t.func(r).end : c === 2 ? t.func(r).end - t.func(r).entry : c === 3 ? t.func(r).frameSize : cells[c]!(r)),
    searchText: (r) => t.funcName(r) + ' ' + t.func(r).entry.toString(16),
  };
}

/** The source files the pclntab names. */
export function goFileTable(t: PcLnTable): TableSource {
  const files = t.files();
  return {
    id: 'go-files',
    columns: [col('#', 'right', 0.3), col('File', 'left', 8)],
    rows: files.length,
    cell: (r, c) => (c === 0 ? String(r) : files[r]!),
    sortKey: (r, c) => (c === 0 ? r : files[r]!),
    searchText: (r) => files[r]!,
  };
}
