import { createRequire } from 'node:module';

/**
 * V8's setFlagsFromString without loading `node:v8`: that module loads
 * heap_utils and the stream modules with it (~5 ms of a run's start-up
 * here, for a call or two). Node's own binding has the same function
 * (node:v8's is a string check around it); its access warning (DEP0111)
 * is a deprecation warning, kept quiet for this one look-up. Where the
 * binding is gone or lacks it, node:v8 is loaded after all.
 */
export function v8FlagSetter(): (flags: string) => void {
  const p = process as unknown as { binding?: (name: string) => { setFlagsFromString?: unknown }; noDeprecation?: boolean };
  const quiet = p.noDeprecation;
  try {
    p.noDeprecation = true;
    const set = p.binding?.('v8').setFlagsFromString;
    if (typeof set === 'function') return set as (flags: string) => void;
  } catch {
    // no binding: node:v8 below
  } finally {
    p.noDeprecation = quiet;
  }
  return (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString;
}
