#!/usr/bin/env node
// Builds the explorer into a static folder (default dist/site/): index.html,
// style.css, app.js (the page, an ES module), worker.js (the parser, a
// classic worker script so every browser can start it) and demangle.wasm
// (the address box's C++/Rust demangler, fetched by the worker on first use). Any static host
// serves it; `elfkit explore` serves it with a file preloaded.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** gecko-profiler-demangle's wasm, resolved from @elfkit/symbolize (whose dependency it is). */
function demanglerWasm() {
  const symbolize = createRequire(import.meta.url).resolve('@elfkit/symbolize');
  return createRequire(symbolize).resolve('gecko-profiler-demangle/index_bg.wasm');
}

/** Builds the site into `outdir`. */
export async function buildSite(outdir = join(here, 'dist', 'site')) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const common = { bundle: true, minify: true, sourcemap: 'linked', target: 'chrome111', legalComments: 'none', logLevel: 'warning' };
  await Promise.all([
    build({ ...common, entryPoints: [join(here, 'src/page/main.ts')], outfile: join(outdir, 'app.js'), format: 'esm' }),
    // The worker hands the symbolizer demangle.wasm's URL through its host, so the package's
    // own import.meta.url lookup (empty in a classic worker) is never used.
    build({ ...common, entryPoints: [join(here, 'src/worker.ts')], outfile: join(outdir, 'worker.js'), format: 'iife', logOverride: { 'empty-import-meta': 'silent' } }),
  ]);
  for (const f of ['index.html', 'style.css']) cpSync(join(here, 'static', f), join(outdir, f));
  cpSync(demanglerWasm(), join(outdir, 'demangle.wasm'));
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildSite(process.argv[2]);
  process.stdout.write(`built ${out}\n`);
}
