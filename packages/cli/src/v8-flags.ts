import { nodeBinding } from './node-binding.js';

/**
 * V8's setFlagsFromString without loading `node:v8`: that module loads
 * heap_utils and the stream modules with it (~5 ms of a run's start-up
 * here, for a call or two). Node's own v8 binding has the same function
 * (node:v8's is a string check around it). Where the binding is gone or
 * lacks it, node:v8 is loaded after all.
 */
export function v8FlagSetter(): (flags: string) => void {
  const set = nodeBinding<{ setFlagsFromString: unknown }>('v8')?.setFlagsFromString;
  if (typeof set === 'function') return set as (flags: string) => void;
  return (process.getBuiltinModule('node:v8') as typeof import('node:v8')).setFlagsFromString;
}
