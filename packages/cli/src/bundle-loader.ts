/**
 * Loads the CLI's bundles (scripts/bundle.mjs writes them as CommonJS into
 * dist/bundle/: main.cjs, yargs.cjs, one per command module in commands/;
 * this module is bundled into the bin, dist/elfkit.cjs, beside that folder)
 * through `vm.Script` with V8's
 * code cache, as v8-compile-cache does: Node 20 caches no compiled module
 * code, so every run would otherwise parse and compile the few hundred
 * kilobytes a command reaches. (CommonJS, not ES modules: vm has no cached
 * ES module outside --experimental-vm-modules, and an ES module's
 * `import … from 'node:fs'` loads fs/promises, streams and readline too.) The cache is made once, after a run (so it
 * holds the functions that run used), and kept in the user's cache folder
 * (`$ELFKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/elfkit`, else
 * `~/.cache/elfkit`), one file per bundle, named by the bundle's
 * content hash, the Node version and the architecture: V8 itself checks
 * only the source's length, so a cache is never tried on another build.
 * An unwritable or missing folder only means no cache; `ELFKIT_COMPILE_CACHE=0`
 * turns it off. Only the bundled CLI (bundle-bin.ts) uses this module;
 * `dist/main.js` (tsc's output) imports the commands as usual.
 */
import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';
import { v8FlagSetter } from './v8-flags.js';

/** Content hashes of the bundles by name (`main`, `commands/info`), filled in by scripts/bundle.mjs. */
declare const __ELFKIT_BUNDLE_HASHES__: Record<string, string> | undefined;

const hashes: Record<string, string> = typeof __ELFKIT_BUNDLE_HASHES__ === 'object' ? __ELFKIT_BUNDLE_HASHES__ : {};
const loaded = new Map<string, Promise<Record<string, unknown>>>();

/**
 * os.homedir(), without loading node:os where it would only read $HOME:
 * on POSIX that is what it returns when $HOME is set (libuv's
 * uv_os_homedir), and every command pays for the module otherwise.
 */
function homeDir(): string {
  if (process.platform !== 'win32' && process.env.HOME) return process.env.HOME;
  return (process.getBuiltinModule('node:os') as typeof import('node:os')).homedir();
}

/** The folder of this Node's code caches, or undefined when caching is off. */
function cacheDir(): string | undefined {
  const env = process.env;
  if (env.ELFKIT_COMPILE_CACHE === '0') return undefined;
  let base = env.ELFKIT_CACHE_DIR;
  if (!base) {
    const xdg = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
    const h = homeDir();
    const home = xdg ?? (h ? join(h, '.cache') : undefined);
    if (!home) return undefined;
    base = join(home, 'elfkit');
  }
  return join(base, 'v8', `${process.version}-${process.arch}`);
}

/** Code caches to write when the process exits: by then they hold every function the run compiled. */
const unsaved: { script: Script; dir: string; file: string; name: string }[] = [];

/** Writes each unsaved code cache, replacing older builds' caches of its bundle. */
function saveAll(): void {
  for (const { script, dir, file, name } of unsaved.splice(0)) {
    try {
      const data = script.createCachedData();
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const old of readdirSync(dir)) if (old.startsWith(`${name}.`) && join(dir, old) !== file) rmSync(join(dir, old), { force: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, data, { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      // No cache this time: the next run compiles again.
    }
  }
}

/**
 * Called when the command has done its work: writes the code caches now,
 * then waits (with the main thread parked) for V8's concurrent optimizing
 * compiles still in flight. Why: Node 20 ends its event loop in
 * NodePlatform::DrainTasks, which blocks the main thread until background
 * tasks finish, while a TurboFan job that must allocate waits for the main
 * thread to collect garbage — a deadlock at exit (nodejs/node#54918; seen
 * here as `elfkit core` hanging after its output in about one run in ten).
 * V8's own wait parks the main thread, so the job's collection can run.
 * The natives flag changes V8's flag hash, which code caches are checked
 * against, so the caches are written first.
 */
export function settleBeforeExit(): void {
  saveAll();
  try {
    v8FlagSetter()('--allow-natives-syntax');
    (new Function('%WaitForBackgroundOptimization()') as () => void)();
  } catch {
    // A runtime without V8's natives: nothing to wait for that we can reach.
  }
}

/**
 * The `require` a bundle gets: this loader's own where it runs as CommonJS
 * (the bin, dist/elfkit.cjs; the bundles require only Node's
 * modules and packages, nothing by a relative path), else node:module's
 * createRequire for the bundle — importing node:module loads the ES
 * module loader and source maps with it, ~0.5 ms of every run.
 */
function bundleRequire(file: string): NodeJS.Require {
  if (typeof require === 'function') return require;
  return (process.getBuiltinModule('node:module') as typeof import('node:module')).createRequire(file);
}

/** Runs bundle `bundle` (`main`, `commands/go-funcs`) and returns its exports. */
function run(bundle: string): Record<string, unknown> {
  // import.meta.dirname: the bin's folder (dist/), as tsc's dist/bundle-loader.js's; __dirname in the bin (scripts/bundle.mjs).
  const file = join(import.meta.dirname, 'bundle', `${bundle}.cjs`);
  const name = bundle.replace(/\//g, '-');
  const bytes = readFileSync(file);
  // The bundles are ASCII (esbuild's charset): a one-byte string, without decoding UTF-8.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const dir = cacheDir();
  const hash = hashes[bundle];
  const cacheFile = dir && hash ? join(dir, `${name}.${hash}.bin`) : undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // not made yet
    }
  }
  // Node's CommonJS wrapper, plus this loader for the bundles this one imports (main: the commands; a group: its subcommands).
  const wrapped = `(function (exports, require, module, __filename, __dirname, __elfkitLoadBundle) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData, importModuleDynamically: vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (cacheFile && dir && (!cachedData || script.cachedDataRejected)) {
    if (unsaved.length === 0) process.once('exit', saveAll);
    unsaved.push({ script, dir, file: cacheFile, name });
  }
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, bundleRequire(file), module, file, dirname(file), loadBundle);
  return module.exports;
}

/** The exports of bundle `bundle` (`main`, `yargs`, `commands/info`), loaded once. */
export function loadBundle(bundle: string): Promise<Record<string, unknown>> {
  let m = loaded.get(bundle);
  if (!m) {
    m = Promise.resolve().then(() => run(bundle));
    loaded.set(bundle, m);
  }
  return m;
}
