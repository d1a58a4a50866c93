// gecko-profiler-demangle ships its wasm-bindgen glue without typings for the deep import.
declare module 'gecko-profiler-demangle/index_bg.js' {
  export function __wbg_set_wasm(exports: unknown): void;
  export function demangle_any(name: string): string;
}

// The slice of the WebAssembly JS API the demangler uses (ES2022's lib has none; browsers and Node have it).
declare namespace WebAssembly {
  type ModuleImports = Record<string, unknown>;
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  function instantiate(bytes: ArrayBuffer | Uint8Array, imports?: Record<string, ModuleImports>): Promise<{ instance: Instance }>;
}
