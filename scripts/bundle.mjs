#!/usr/bin/env node
// Bundles the CLI with esbuild into packages/cli/dist/bundle/: the entry
// elfkit.mjs (argument parsing; yargs in a chunk loaded only when the fast
// argument path declines), and each command on its own in commands/ —
// bundled by itself, so it holds exactly the code that command reaches.
// Node then resolves and compiles two or three files instead of ~150, and
// `elfkit sections` compiles the ELF reader's header and section code, not
// the relocation name tables, the rewriter and the decompressors that one
// bundle with shared chunks would put in every command's way (esbuild
// assigns shared modules to chunks by what imports them, not by what is
// used). packages/cli/dist/elfkit.mjs re-exports the entry so the bin path
// stays stable.
import { build } from 'esbuild';
import { cpSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'packages/cli/dist');
const out = join(dist, 'bundle');
rmSync(out, { recursive: true, force: true });

const common = {
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
};

// The command modules main.js loads on demand (`import('./commands/x.js')`).
const commands = [...readFileSync(join(dist, 'main.js'), 'utf8').matchAll(/import\('\.\/commands\/([\w-]+)\.js'\)/g)].map((m) => m[1]);

await build({
  ...common,
  entryPoints: { elfkit: join(dist, 'bin.js') },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  // Left as imports of ./commands/<name>.js, which the builds below write.
  plugins: [
    {
      name: 'commands-apart',
      setup(b) {
        b.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (a) => (a.importer.endsWith('main.js') ? { path: a.path, external: true } : undefined));
      },
    },
  ],
});

await Promise.all(
  commands.map((name) =>
    build({
      ...common,
      entryPoints: { [name]: join(dist, 'commands', `${name}.js`) },
      outdir: join(out, 'commands'),
      // A group's subcommands (`go info`) are chunks of the group's build.
      chunkNames: `${name}/[name]-[hash]`,
    }),
  ),
);
writeFileSync(join(dist, 'elfkit.mjs'), "#!/usr/bin/env node\nimport './bundle/elfkit.mjs';\n", { mode: 0o755 });
// The browser explorer's static page, which `elfkit explore` serves from dist/site/.
const { buildSite } = await import('../packages/explorer/build.mjs');
const site = await buildSite();
rmSync(join(dist, 'site'), { recursive: true, force: true });
cpSync(site, join(dist, 'site'), { recursive: true });
