import { decodeUtf8 } from '@elfkit/binary';
import type { CoreModule } from '@elfkit/core';
import { RuntimeLayout } from './runtime-layout.js';

/**
 * Where a host keeps the runtime layouts it has read, one small file per
 * executable (the CLI: elfkit's index cache folder). Reading the layout
 * means inflating and walking the executable's whole `.debug_info` for
 * some fifteen `runtime.` names — most of a `go goroutines` run on a
 * small program — while the answer is a few dozen offsets. Every method
 * may fail quietly: a miss only means the DWARF is read as usual.
 */
export interface LayoutCacheStore {
  /** The bytes stored as `name`, or undefined. */
  get(name: string): Uint8Array | undefined;
  /** Stores `bytes` as `name`, replacing the whole file at once. */
  put(name: string, bytes: Uint8Array): void;
  /** The size and modification time of the file at `path`, or undefined (then nothing is cached for it). */
  stamp(path: string): { readonly size: number; readonly mtimeMs: number } | undefined;
}

/** Bumped whenever RuntimeLayout's fields or their meaning change: entries of another format are ignored. */
const FORMAT = 1;

/**
 * The cache key of `exe`'s layout: the format, the executable's build ids
 * (Go and GNU) and its file's size and modification time — as the
 * symbolizer's index cache keys a module. Undefined (not cached) without
 * a file on disk or without any build id.
 */
export function layoutKey(store: LayoutCacheStore, exe: CoreModule, goBuildId: string | undefined): { name: string; key: string } | undefined {
  const path = exe.path;
  const gnu = safe(() => exe.elf?.buildId());
  if (!path || (!goBuildId && !gnu)) return undefined;
  const st = store.stamp(path);
  if (!st) return undefined;
  const key = JSON.stringify([FORMAT, goBuildId ?? null, gnu ?? null, st.size, st.mtimeMs]);
  // The name need only spread entries out; the full key inside decides.
  return { name: `golayout-${(gnu ?? goBuildId!).replace(/[^0-9A-Za-z._-]/g, '_').slice(0, 100)}`, key };
}

/** The layout stored under `k`, or undefined when there is none, or it is of another key or format, or damaged. */
export function loadLayout(store: LayoutCacheStore, k: { name: string; key: string }): RuntimeLayout | undefined {
  const bytes = store.get(k.name);
  if (!bytes) return undefined;
  try {
    const v = JSON.parse(decodeUtf8(bytes, 0, bytes.length), (name, value) => (typeof value === 'string' && /^-?\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value)) as { key?: unknown; layout?: unknown };
    if (v.key !== k.key || typeof v.layout !== 'object' || v.layout === null) return undefined;
    return RuntimeLayout.fromFields(v.layout as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

/** Stores `layout` under `k`. */
export function saveLayout(store: LayoutCacheStore, k: { name: string; key: string }, layout: RuntimeLayout): void {
  const text = JSON.stringify({ key: k.key, layout: layout.fields() }, (_name, value) => (typeof value === 'bigint' ? `${value}n` : value));
  try {
    // As ASCII: anything else escaped the JSON way (the package runs where no TextEncoder is declared).
    const ascii = text.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    store.put(k.name, Uint8Array.from(ascii, (ch) => ch.charCodeAt(0)));
  } catch {
    // no cache this time
  }
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
