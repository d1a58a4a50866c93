#!/usr/bin/env node
// Bundles the CLI with esbuild into packages/cli/dist/bundle/: the entry
// elfkit.mjs plus chunks loaded on demand (yargs, only when the fast
// argument path declines). Node then resolves and compiles a few files
// instead of ~150, and most runs never compile yargs at all: `elfkit
// sections` starts ~60 ms sooner. packages/cli/dist/elfkit.mjs re-exports
// the entry so the bin path stays stable.
import { build } from 'esbuild';
import { cpSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'packages/cli/dist');
rmSync(join(dist, 'bundle'), { recursive: true, force: true });
await build({
  entryPoints: { elfkit: join(dist, 'bin.js') },
  outdir: join(dist, 'bundle'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies inside an ES module bundle need a require().
  banner: { js: "import { createRequire as __elfkitRequire } from 'node:module';\nconst require = __elfkitRequire(import.meta.url);" },
});
writeFileSync(join(dist, 'elfkit.mjs'), "#!/usr/bin/env node\nimport './bundle/elfkit.mjs';\n", { mode: 0o755 });
// The browser explorer's static page, which `elfkit explore` serves from dist/site/.
const { buildSite } = await import('../packages/explorer/build.mjs');
const site = await buildSite();
rmSync(join(dist, 'site'), { recursive: true, force: true });
cpSync(site, join(dist, 'site'), { recursive: true });
