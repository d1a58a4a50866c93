#!/usr/bin/env node
// Bundles the CLI with esbuild into packages/cli/dist/bundle/, as CommonJS
// files that src/bundle-loader.ts runs through vm.Script with V8's code
// cache (Node 20 keeps no compiled code between runs; a command's few
// hundred kilobytes would be parsed and compiled on every run):
// - ../elfkit.cjs (dist/elfkit.cjs, the bin package.json names): the loader
//   and the start (src/bundle-bin.ts) — the bin itself, not a file that
//   requires them: a second CommonJS module costs Node a resolution (stat,
//   realpath, package scope) and a wrapper compile, ~0.3 ms of every run;
// - main.cjs: argument parsing (main.ts with the fast argument path);
// - yargs.cjs: yargs, loaded only when the fast argument path declines;
// - symbolize-run.cjs, symbolize-addr2line.cjs: the drop-in symbolizers;
// - commands/<name>.cjs: each command module by itself, so it holds exactly
//   the code that command reaches — `elfkit sections` compiles the ELF
//   reader's header and section code, not the relocation name tables, the
//   rewriter and the decompressors; a group's subcommands (`go info`) are
//   bundles of their own, which the group's bundle loads.
// Every `import()` of another bundle's module becomes a call of the loader,
// `__elfkitLoadBundle('<bundle>')`; other `import()`s are bundled in place
// (esbuild runs such a module when it is first imported).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fflateTables } from './fflate-tables.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'packages/cli/dist');
const out = join(dist, 'bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// fflate's tables, computed here once and read by the bundled fflate (see fflate-tables.mjs); `withTables(rel)` patches fflate in a bundle whose folder reaches out/ by `rel`.
const withTables = fflateTables(join(root, 'packages/image'), out);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Without comments and blank space, and in ASCII (esbuild's default charset): less to read, and the loader
  // makes a one-byte string of it without decoding UTF-8. Names stay, for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  // import() as require(): code run from V8's code cache by the bundle loader loses vm's
  // importModuleDynamically on Node 20 ("A dynamic import callback was not specified").
  supported: { 'dynamic-import': false },
  // The bundle's own URL, as an ES module's import.meta.url would be (the site, package.json and iced-x86 are
  // found from it), made when first read: pathToFileURL's first call costs ~0.25 ms, and most runs read none.
  define: { 'import.meta.url': '__elfkitMeta.url', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  banner: { js: "var __elfkitMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
};

// Modules whose loading costs more than most commands use them: fflate
// builds its Huffman tables and loads worker_threads when imported, fzstd
// builds its tables — for the compressed sections and layers that most
// runs never meet. (node:zlib, which loads some twenty stream modules,
// is loaded on first use by @elfkit/symbolize's Node host itself.) Each
// import of them gets a stand-in whose functions load the real module on
// their first call (classes too: `new` on a stand-in constructs the real
// class). An export that is not a function has no stand-in and fails the
// build, so nothing is silently undefined.
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: /^(fflate|fzstd)$/ }, async (a) => {
      if (a.pluginData?.real) return undefined; // the stand-in's own require
      const real = (await b.resolve(a.path, { resolveDir: a.resolveDir, kind: 'require-call', pluginData: { real: true } })).path;
      return { path: a.path, namespace: 'lazy', pluginData: { real, resolveDir: a.resolveDir } };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, async (a) => {
      const { real, resolveDir } = a.pluginData;
      const mod = await import(pathToFileURL(real).href);
      const names = Object.keys(mod).filter((k) => k !== 'default' && typeof mod[k] === 'function');
      // fflate's browser build: the same code without the worker_threads shim its Node build loads on import
      // (only its async functions use workers, and nothing here calls them).
      const lines = [`let real;`, `const load = () => (real ??= require(${JSON.stringify(a.path === 'fflate' ? 'fflate/browser' : a.path)}));`];
      for (const n of names) lines.push(`export function ${n}(...a) { const f = load().${n}; return new.target ? Reflect.construct(f, a) : f.apply(this, a); }`);
      return { contents: lines.join('\n'), loader: 'js', resolveDir, pluginData: { real: true } };
    });
    // The stand-in's require of the real module resolves as usual.
    b.onResolve({ filter: /^(fflate\/browser|fzstd)$/, namespace: 'lazy' }, (a) => b.resolve(a.path, { resolveDir: a.resolveDir, kind: 'require-call', pluginData: { real: true } }));
  },
};

const importsOf = (file, re) => [...readFileSync(file, 'utf8').matchAll(re)].map((m) => m[1]);
// The command modules loaded on demand: those main.js imports (`import('./commands/x.js')`) and those a group imports in turn (`import('./go-info.js')`).
const commands = new Set(importsOf(join(dist, 'main.js'), /import\('\.\/commands\/([\w-]+)\.js'\)/g));
for (const name of commands) for (const sub of importsOf(join(dist, 'commands', `${name}.js`), /import\('\.\/([\w-]+)\.js'\)/g)) commands.add(sub);
// main.js's other bundles: module (relative to dist/) → bundle name.
const mainBundles = { yargs: 'yargs', './symbolize/run.js': 'symbolize-run', './symbolize/addr2line.js': 'symbolize-addr2line' };
// Libraries that few runs of a command reach (execa: only when cosign runs; cli-progress: only on a
// terminal), imported with import() wherever in the CLI: each is a bundle of its own, so the commands'
// bundles and code caches carry none of it (a code cache holds whatever the run that made it compiled,
// and a command pays for deserializing all of it on every run).
const apartLibraries = { execa: "export { execa } from 'execa';", 'cli-progress': "export { default } from 'cli-progress';" };
const apartBundles = Object.fromEntries(Object.keys(apartLibraries).map((spec) => [spec, spec]));
// CLI modules a command imports with import() for what few of its runs do, each a bundle of its own (imported
// by that path from dist/commands/): bundled in place, an import() makes esbuild wrap every module it reaches
// and the modules the command shares with it in lazy initializers — which run at load all the same, with every
// module the shared package indexes import (`elfkit core` fetching missing files from debuginfod: the debuginfod
// client, its cache and HTTP modules, loaded by every core run).
const apartModules = {
  '../debuginfod/fetch-debuginfo.js': 'debuginfod-fetch',
  // `info` and `lines`: the DWARF and Go readers, each loaded only for a file that has that kind of debug data.
  '../dwarf/info-facts.js': 'info-dwarf',
  '../go/info.js': 'info-go',
  '../dwarf/line-source.js': 'lines-dwarf',
  '../go/line-source.js': 'lines-go',
};
// Package modules that a package imports with import() for what few runs reach, each a bundle of its own for the
// same reason (module → the bundle for each of its import()s): `debuginfod serve` loads the image and tar readers
// only when a scan meets an archive; bundled in place, they made esbuild wrap the serve bundle's 108 modules in
// lazy initializers, all run at its load.
const apartPackageModules = {
  'debuginfod/dist/node/scan.js': { './image-archive.js': 'debuginfod-image-archive', './tar-archive.js': 'debuginfod-tar-archive' },
};
const apartPackageBundles = Object.entries(apartPackageModules).flatMap(([module, imports]) =>
  Object.entries(imports).map(([spec, bundle]) => ({ bundle, entryPoints: [join(root, 'packages', dirname(module), spec)] })),
);
// `symbolize` and `addr2line` under yargs (--help and the like; main's raw path loads the same bundles).
const commandRunners = { '../symbolize/run.js': 'symbolize-run', '../symbolize/addr2line.js': 'symbolize-addr2line' };

/** Replaces the `import()`s that `bundleOf` names a bundle for with the loader's `__elfkitLoadBundle(bundle)`. */
const toLoader = (filter, bundleOf) => ({
  name: 'bundles-apart',
  setup(b) {
    b.onLoad({ filter }, (a) => {
      const text = readFileSync(a.path, 'utf8').replace(/import\('([^']+)'\)/g, (m, spec) => {
        const bundle = bundleOf(spec) ?? apartBundles[spec];
        return bundle ? `__elfkitLoadBundle(${JSON.stringify(bundle)})` : m;
      });
      return { contents: text, loader: 'js', resolveDir: dirname(a.path) };
    });
  },
});
const commandOf = (prefix) => (spec) => {
  const m = spec.startsWith(prefix) && /^([\w-]+)\.js$/.exec(spec.slice(prefix.length));
  return m && commands.has(m[1]) ? `commands/${m[1]}` : undefined;
};

// The CLI's other modules (main.js and the commands have theirs above): only the apart libraries.
const apartImports = toLoader(/[\\/]cli[\\/]dist[\\/].+\.js$/, () => undefined);
// The package modules of apartPackageModules (packages/<module>, either separator): their import()s of those bundles.
const underPackages = (module) => new RegExp(`[\\\\/]packages[\\\\/]${module.replace(/\./g, '\\.').replace(/\//g, '[\\\\/]')}$`);
const packageImports = Object.entries(apartPackageModules).map(([module, imports]) => toLoader(underPackages(module), (spec) => imports[spec]));

const builds = [
  ...[...commands].map((name) => ({ bundle: `commands/${name}`, entryPoints: [join(dist, 'commands', `${name}.js`)], plugins: [toLoader(/[\\/]dist[\\/]commands[\\/][\w-]+\.js$/, (spec) => commandOf('./')(spec) ?? apartModules[spec] ?? commandRunners[spec])] })),
  ...Object.entries(apartModules).map(([spec, bundle]) => ({ bundle, entryPoints: [join(dist, 'commands', spec)] })),
  ...apartPackageBundles,
  { bundle: 'main', entryPoints: [join(dist, 'main.js')], plugins: [toLoader(/[\\/]dist[\\/]main\.js$/, (spec) => commandOf('./commands/')(spec) ?? mainBundles[spec])] },
  { bundle: 'yargs', stdin: { contents: "export { default } from 'yargs';", resolveDir: dist, loader: 'js' } },
  ...Object.entries(apartLibraries).map(([spec, contents]) => ({ bundle: apartBundles[spec], stdin: { contents, resolveDir: dist, loader: 'js' } })),
  { bundle: 'symbolize-run', entryPoints: [join(dist, 'symbolize', 'run.js')] },
  { bundle: 'symbolize-addr2line', entryPoints: [join(dist, 'symbolize', 'addr2line.js')] },
];
await Promise.all(builds.map(({ bundle, plugins = [], ...o }) => build({ ...common, ...o, plugins: [...plugins, apartImports, ...packageImports, lazyModules, withTables(bundle.startsWith('commands/') ? '..' : '.')], outfile: join(out, `${bundle}.cjs`) })));

// The code cache is named by the bundle's content: a cache of another build is never offered to V8 (which checks only the source's length).
const hashes = Object.fromEntries(builds.map(({ bundle }) => [bundle, createHash('sha256').update(readFileSync(join(out, `${bundle}.cjs`))).digest('hex').slice(0, 16)]));
// The bin (package.json names dist/elfkit.cjs): the loader's bundle itself, beside the bundle/ folder. CommonJS,
// since an ES module entry costs Node its ES module loader and, through that, fs/promises, readline and streams —
// a tenth of `elfkit sections`' time. dist/elfkit.mjs stays, for scripts and tests that run that path.
await build({
  ...common,
  entryPoints: [join(dist, 'bundle-bin.js')],
  outfile: join(dist, 'elfkit.cjs'),
  define: { ...common.define, __ELFKIT_BUNDLE_HASHES__: JSON.stringify(hashes) },
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync(join(dist, 'elfkit.cjs'), 0o755);
writeFileSync(join(dist, 'elfkit.mjs'), "#!/usr/bin/env node\nimport { createRequire } from 'node:module';\n\ncreateRequire(import.meta.url)('./elfkit.cjs');\n", { mode: 0o755 });
// The browser explorer's static page, which `elfkit explore` serves from dist/site/.
const { buildSite } = await import('../packages/explorer/build.mjs');
const site = await buildSite();
rmSync(join(dist, 'site'), { recursive: true, force: true });
cpSync(site, join(dist, 'site'), { recursive: true });
