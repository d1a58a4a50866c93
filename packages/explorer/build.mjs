#!/usr/bin/env node
// Builds the explorer into a static folder (default dist/site/): index.html,
// style.css, app.js (the page, an ES module) and worker.js (the parser, a
// classic worker script so every browser can start it). Any static host
// serves it; `elfkit explore` serves it with a file preloaded.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds the site into `outdir`. */
export async function buildSite(outdir = join(here, 'dist', 'site')) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const common = { bundle: true, minify: true, sourcemap: 'linked', target: 'chrome111', legalComments: 'none', logLevel: 'warning' };
  await Promise.all([
    build({ ...common, entryPoints: [join(here, 'src/page/main.ts')], outfile: join(outdir, 'app.js'), format: 'esm' }),
    build({ ...common, entryPoints: [join(here, 'src/worker.ts')], outfile: join(outdir, 'worker.js'), format: 'iife' }),
  ]);
  for (const f of ['index.html', 'style.css']) cpSync(join(here, 'static', f), join(outdir, f));
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildSite(process.argv[2]);
  process.stdout.write(`built ${out}\n`);
}
