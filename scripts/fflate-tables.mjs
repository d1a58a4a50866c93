// fflate's tables precomputed for the CLI's bundles (used by scripts/bundle.mjs).
//
// fflate builds its tables when its module runs: the bit-reversal table
// (32768 entries), the distance-code table of its deflater (32769) and the
// CRC-32 table, in loops that run once per process — in V8's interpreter,
// ~40M instructions, 8-10 ms, more than the 13 KB layer `elfkit image
// attach-debug` then compresses takes. Here those loops run once, at build
// time, as fflate's own code (its module text evaluated with the tables
// returned), and their values go to one file beside the bundles; the
// bundled fflate reads them from it (a 200 KB read) and runs its own loops
// only when the file is missing or the host is big-endian. Output is
// byte-identical: the values are fflate's own, and the build checks the
// patched module against the original on sample data.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The file beside the bundles (dist/bundle/) that holds the tables. */
export const TABLES_FILE = 'fflate-tables.bin';

// The module text that builds each table (fflate 0.8's browser build), replaced by a read of the file.
const DIST = 'var _b = freb(fdeb, 0), fd = _b.b, revfd = _b.r;';
const REV = /var rev = new u16\(32768\);\nfor \(var i = 0; i < 32768; \+\+i\) \{\n(?:.*\n){4}    rev\[i\] = .*\n\}\n/;
const CRC = 'var crct = /*#__PURE__*/ (function () {';

/** fflate's tables as its own module text computes them. */
function tablesOf(source) {
  const run = new Function('exports', 'require', `${source}\n;return { rev, fd, revfd, crct };`);
  return run({}, () => ({}));
}

/** The tables file's bytes (little-endian) and where each table starts in it. */
function tablesFile(t) {
  const parts = [t.rev, t.fd, t.revfd, t.crct];
  const offsets = [];
  let size = 0;
  for (const p of parts) {
    offsets.push(size);
    size += p.byteLength + ((4 - (p.byteLength % 4)) % 4); // each table 4-byte aligned
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  parts.forEach((p, k) => {
    const wide = p.BYTES_PER_ELEMENT;
    for (let i = 0; i < p.length; i++) {
      if (wide === 2) view.setUint16(offsets[k] + 2 * i, p[i], true);
      else view.setInt32(offsets[k] + 4 * i, p[i], true);
    }
  });
  return { bytes, offsets, lengths: parts.map((p) => p.length), size };
}

/** `source` with its table loops replaced by views of the tables file at `fileExpr` (a JS expression). */
function patched(source, fileExpr, f) {
  const [rev, fd, revfd, crct] = f.offsets.map((o, k) => ({ o, n: f.lengths[k] }));
  if (!source.includes(DIST) || !REV.test(source) || !source.includes(CRC)) throw new Error('fflate-tables: fflate\'s table code is not where this build expects it (fflate updated?): update scripts/fflate-tables.mjs');
  const load = [
    // The tables as fflate computes them, from the build (see scripts/fflate-tables.mjs); undefined where they cannot be used.
    'var __fflateTables = (function () {',
    '  try {',
    '    if (new u8(new u16([1]).buffer)[0] !== 1) return undefined;',
    `    var b = require("node:fs").readFileSync(${fileExpr});`,
    `    if (b.length !== ${f.size}) return undefined;`,
    '    return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);',
    '  } catch (e) {',
    '    return undefined;',
    '  }',
    '})();',
    '',
  ].join('\n');
  return source
    .replace(DIST, () => `${load}var _b = __fflateTables ? { b: new u16(__fflateTables, ${fd.o}, ${fd.n}), r: new i32(__fflateTables, ${revfd.o}, ${revfd.n}) } : freb(fdeb, 0), fd = _b.b, revfd = _b.r;`)
    .replace(REV, (loop) => `var rev = __fflateTables ? new u16(__fflateTables, ${rev.o}, ${rev.n}) : (function () {\n${loop}return rev;\n})();\n`)
    .replace(CRC, () => `var crct = __fflateTables ? new i32(__fflateTables, ${crct.o}, ${crct.n}) : /*#__PURE__*/ (function () {`);
}

/**
 * Writes the tables file into `outDir` from the fflate/browser module that
 * `resolveDir` resolves, and returns an esbuild plugin factory: `plugin(rel)`
 * patches that module in a bundle whose folder reaches `outDir` by `rel`.
 */
export function fflateTables(resolveDir, outDir) {
  const path = createRequire(join(resolveDir, 'x.js')).resolve('fflate/browser');
  const source = readFileSync(path, 'utf8');
  const tables = tablesOf(source);
  const file = tablesFile(tables);
  writeFileSync(join(outDir, TABLES_FILE), file.bytes);
  // The patched module, run against the file, must build the same tables and compress the same bytes.
  const check = new Function('exports', 'require', `${patched(source, JSON.stringify(join(outDir, TABLES_FILE)), file)}\n;return { rev, fd, revfd, crct };`);
  const exportsOf = (src) => {
    const e = {};
    new Function('exports', 'require', src)(e, createRequire(path));
    return e;
  };
  const got = check({}, createRequire(path));
  for (const k of ['rev', 'fd', 'revfd', 'crct']) if (Buffer.compare(Buffer.from(got[k].buffer, got[k].byteOffset, got[k].byteLength), Buffer.from(tables[k].buffer, tables[k].byteOffset, tables[k].byteLength)) !== 0) throw new Error(`fflate-tables: ${k} differs`);
  const sample = readFileSync(path);
  const [a, b] = [source, patched(source, JSON.stringify(join(outDir, TABLES_FILE)), file)].map((s) => exportsOf(s).gzipSync(sample, { level: 6, mtime: 0 }));
  if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) throw new Error('fflate-tables: the patched fflate compresses differently');
  return (rel) => ({
    name: 'fflate-tables',
    setup(b) {
      b.onLoad({ filter: /[\\/]fflate[\\/]lib[\\/]browser\.cjs$/ }, (a) => {
        if (a.path !== path) return undefined;
        return { contents: patched(source, `require("node:path").join(__dirname, ${JSON.stringify(rel)}, ${JSON.stringify(TABLES_FILE)})`, file), loader: 'js', resolveDir: dirname(a.path) };
      });
    },
  });
}
