// In-situ instruction counts of chosen functions of a bundled command, by callgrind.
//
//   node scripts/callgrind-phases.mjs [--bundle bundle/commands/core] --wrap LABEL=TEXT ... -- <elfkit args>
//
// --bundle names the file under packages/cli/dist (without .cjs; `elfkit` is the bin, the bundle loader).
// TEXT is the exact text of a definition in the minified bundle, ending at its `name(params){` (a function
// declaration `function cfiStep(regs,...){`, or a method with enough text before it to be unique:
// `;arangeTable(){`, `static build(unit,tombstones){`); every occurrence is wrapped (the same builtin for all). Each wrapped function is called through a typed-array
// builtin of its own (findLast, some, …) from a wrapper V8 never optimizes (nor inlines), so callgrind's inclusive
// cost of that builtin is the function's cost in the real run: interpreter, baseline and optimized code, the
// allocations and collections it caused. Only what runs synchronously inside the call is counted (not an async
// function's continuations). The copy of dist/ runs with its own code cache, warmed twice; its output must equal
// the unpatched build's. Costs of a wrapped function called inside another wrapped one count in both; a wrapper
// adds ~1-2K instructions per call.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../bench/lib.mjs';

const BUILTINS = ['findLast', 'findLastIndex', 'every', 'some', 'find', 'findIndex', 'reduceRight', 'filter', 'map', 'forEach', 'reduce', 'sort'];
/** Callgrind's symbol for each builtin above (V8 11.3). */
const SYMBOL = {
  findLast: 'TypedArrayPrototypeFindLast', findLastIndex: 'TypedArrayPrototypeFindLastIndex', every: 'TypedArrayPrototypeEvery', some: 'TypedArrayPrototypeSome',
  find: 'TypedArrayPrototypeFind', findIndex: 'TypedArrayPrototypeFindIndex', reduceRight: 'TypedArrayPrototypeReduceRight', filter: 'TypedArrayPrototypeFilter',
  map: 'TypedArrayPrototypeMap', forEach: 'TypedArrayPrototypeForEach', reduce: 'TypedArrayPrototypeReduce', sort: 'TypedArrayPrototypeSort',
};

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 0) throw new Error('usage: callgrind-phases.mjs [--bundle bundle/commands/core] --wrap LABEL=TEXT ... -- <elfkit args>');
const own = argv.slice(0, sep);
const command = argv.slice(sep + 1);
let bundle = 'bundle/commands/core';
const wraps = [];
for (let i = 0; i < own.length; i++) {
  if (own[i] === '--bundle') bundle = own[++i];
  else if (own[i] === '--wrap') {
    const w = own[++i];
    const eq = w.indexOf('=');
    wraps.push({ label: w.slice(0, eq), text: w.slice(eq + 1) });
  } else throw new Error(`unknown option ${own[i]}`);
}
if (wraps.length > BUILTINS.length) throw new Error(`at most ${BUILTINS.length} wraps`);

const work = mkdtempSync(join(tmpdir(), 'elfkit-phases-'));
const dist = join(repoRoot, 'packages', 'cli', 'dist');
const copy = join(work, 'dist');
cpSync(dist, copy, { recursive: true });
const file = join(copy, `${bundle}.cjs`);
let s = readFileSync(file, 'utf8');
let defs = '';
wraps.forEach((w, k) => {
  const b = BUILTINS[k];
  const call = b === 'reduce' || b === 'reduceRight' ? '()=>(r=f.apply(t,a),0),0' : b === 'sort' ? '()=>(r=f.apply(t,a),0)' : '()=>(r=f.apply(t,a),true)';
  defs += `function __phase${k}(f,t,a){let r;new Uint8Array(${b === 'sort' ? 2 : 1}).${b}(${call});return r}%NeverOptimizeFunction(__phase${k});`;
  const parts = s.split(w.text);
  if (parts.length < 2) throw new Error(`${w.label}: no ${w.text} in ${bundle}`);
  const m = /([A-Za-z0-9_$]+)\(([^)]*)\)\{$/.exec(w.text);
  if (!m) throw new Error(`${w.label}: the text must end at name(params){`);
  const [, name, params] = m;
  const before = w.text.slice(0, m.index);
  const rest = `${name}$phase(${params}){`;
  const replaced = before.endsWith('function ')
    ? `${before}${name}(...a){return __phase${k}(${name}$phase,this,a)}function ${rest}`
    : `${before}${name}(...a){return __phase${k}(this.${name}$phase,this,a)}${before.endsWith('static ') ? 'static ' : ''}${rest}`;
  s = parts.join(replaced);
});
s = s.replace('"use strict";', `"use strict";${defs}`);
writeFileSync(file, s);

const node = ['--allow-natives-syntax', '--hash-seed=1', '--random-seed=1'];
const env = { ...process.env, ELFKIT_CACHE_DIR: join(work, 'cache') };
const bin = join(copy, 'elfkit.cjs');
const plain = spawnSync(process.execPath, [join(dist, 'elfkit.cjs'), ...command], { env: { ...env, ELFKIT_CACHE_DIR: join(work, 'plain-cache') }, maxBuffer: 1 << 30 });
for (let i = 0; i < 2; i++) {
  const r = spawnSync(process.execPath, [...node, bin, ...command], { env, maxBuffer: 1 << 30 });
  if (!r.stdout.equals(plain.stdout) || r.status !== plain.status) throw new Error('the patched build answers otherwise than the unpatched one');
}
const out = join(work, 'callgrind.out');
const cg = spawnSync('setarch', ['-R', 'valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...node, bin, ...command], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
const total = /Collected : (\d+)/.exec(cg.stderr)?.[1];
const annotated = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', out], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
const mega = (n) => `${(n / 1e6).toFixed(1)}M`.padStart(8);
process.stdout.write(`all threads ${mega(Number(total))}\n`);
wraps.forEach((w, k) => {
  const line = annotated.split('\n').find((l) => l.includes(`:Builtins_${SYMBOL[BUILTINS[k]]} `));
  const n = line ? Number(line.trim().split(' ')[0].replace(/,/g, '')) : 0;
  process.stdout.write(`${mega(n)}  ${w.label}\n`);
});
rmSync(work, { recursive: true, force: true });
