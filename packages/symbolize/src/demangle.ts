import type { SymbolizeHost } from './host.js';

/** The functions of gecko-profiler-demangle's wasm-bindgen glue that this module uses. */
interface DemangleGlue {
  __wbg_set_wasm(exports: unknown): void;
  demangle_any(name: string): string;
}

/** True for names a demangler may change: Itanium C++ (`_Z…`, also with extra underscores) and Rust v0 (`_R…`). */
export function isMangled(name: string): boolean {
  return /^_{1,4}Z|^_R[A-Z0-9_]/.test(name);
}

/**
 * C++ and Rust names demangled by `gecko-profiler-demangle` (the Rust
 * `cpp_demangle` and `rustc-demangle` crates built to WebAssembly, as the
 * Firefox profiler uses them), loaded on the first mangled name, so a
 * symbolizer that never meets one never loads it. Runs in browsers and
 * Node alike.
 */
export class Demangler {
  private glue?: Promise<DemangleGlue | null>;
  private readonly cache = new Map<string, string>();

  constructor(private readonly host: Pick<SymbolizeHost, 'demanglerWasm'>) {}

  /** True once the WebAssembly module is loaded (for tests of laziness). */
  loaded = false;

  /** True once loading was started (it may have failed: names then stay as they are). */
  get attempted(): boolean {
    return this.glue !== undefined;
  }

  /**
   * The demangled form of `name`, LLVM's spelling for clone suffixes
   * (`f() (.isra.0)`, where c++filt writes `[clone .isra.0]`) unless `gnu`.
   * Names that are not mangled come back as they are, without loading the
   * demangler.
   */
  async demangle(name: string, gnu = false): Promise<string> {
    if (!isMangled(name)) return name;
    await this.load();
    return this.demangleNow(name, gnu);
  }

  /** Loads the WebAssembly demangler (once; a failure leaves names as they are). */
  async load(): Promise<void> {
    this.glueReady = await (this.glue ??= this.instantiate());
  }

  /** As {@link demangle}, once {@link load} finished (before that, names come back as they are). */
  demangleNow(name: string, gnu = false): string {
    if (!isMangled(name)) return name;
    const glue = this.glueReady;
    if (!glue) return name;
    const key = gnu ? `g${name}` : `l${name}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    // A symbol version (`name@VER`, `name@@VER`) is not part of the mangling: demangle the name, keep the version.
    const at = name.indexOf('@');
    const base = at > 0 ? name.slice(0, at) : name;
    let out: string;
    try {
      out = glue.demangle_any(base);
    } catch {
      out = base;
    }
    if (!gnu) out = out.replace(/ \[clone (\.[^\]]+)\]/g, ' ($1)');
    if (at > 0) out += name.slice(at);
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }

  private glueReady: DemangleGlue | null | undefined;

  private async instantiate(): Promise<DemangleGlue | null> {
    const glue = await sharedGlue(this.host);
    this.loaded = glue !== null;
    return glue;
  }
}

/**
 * The glue module is one per realm, so its WebAssembly instance is made once
 * and shared by every Demangler: a second instance would leave the glue
 * reading strings from the first one's memory. A failed load is not kept,
 * so a later host that brings the bytes can try again.
 */
let shared: Promise<DemangleGlue | null> | undefined;

function sharedGlue(host: Pick<SymbolizeHost, 'demanglerWasm'>): Promise<DemangleGlue | null> {
  shared ??= instantiateGlue(host).then((g) => {
    if (!g) shared = undefined;
    return g;
  });
  return shared;
}

async function instantiateGlue(host: Pick<SymbolizeHost, 'demanglerWasm'>): Promise<DemangleGlue | null> {
  try {
    const glue = (await import('gecko-profiler-demangle/index_bg.js')) as unknown as DemangleGlue;
    const bytes = host.demanglerWasm ? await host.demanglerWasm() : await fetchWasm();
    const { instance } = await WebAssembly.instantiate(bytes, { './index_bg.js': glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return glue;
  } catch {
    return null;
  }
}

/** The wasm file beside the package, fetched (browsers and bundlers resolve the URL). */
async function fetchWasm(): Promise<ArrayBuffer> {
  const url = new URL('../node_modules/gecko-profiler-demangle/index_bg.wasm', import.meta.url);
  const r = await fetch(url);
  return r.arrayBuffer();
}
