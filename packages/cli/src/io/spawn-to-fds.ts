import { getSystemErrorName } from 'node:util';
import { nodeBinding } from '../node-binding.js';

/** How a process started by {@link spawnToFds} ended. */
export interface Exited {
  /** Exit status; null when a signal ended it. */
  code: number | null;
  /** The signal's name (`SIGTERM`); null when it exited. */
  signal: string | null;
}

/** Node's own process handle (what `child_process.spawn` drives), as far as it is used here. */
interface ProcessHandle {
  spawn(options: object): number;
  close(): void;
  onexit?: (code: number, signal: string) => void;
}

let handleClass: (new () => ProcessHandle) | null | undefined;

/**
 * Node's process handle class, through its internal binding — the class
 * `child_process.spawn` itself uses. Loading `node:child_process` loads
 * `node:net`, the stream modules and `node:dgram` with it: ~5.5 ms here
 * (fresh `node -e`, chrt), all of it on `elfkit stamp`'s critical path,
 * since git can only start after it. Null where the binding or the class
 * is gone (then child_process is used after all).
 */
function processHandleClass(): (new () => ProcessHandle) | null {
  if (handleClass !== undefined) return handleClass;
  const P = nodeBinding<{ Process: unknown }>('process_wrap')?.Process;
  return (handleClass = typeof P === 'function' ? (P as new () => ProcessHandle) : null);
}

const errnoError = (status: number, file: string): NodeJS.ErrnoException => {
  const code = getSystemErrorName(status);
  return Object.assign(new Error(`spawn ${file} ${code}`), { errno: status, code, syscall: `spawn ${file}`, path: file });
};

/**
 * Runs `file` (found on PATH) with `args` and `env`, standard input closed
 * and standard output and error written to the descriptors `out` and
 * `err`; resolves when it has exited. A process that cannot be started
 * rejects with the errno error child_process would give (`code` ENOENT
 * when there is no such program).
 */
export function spawnToFds(file: string, args: readonly string[], env: NodeJS.ProcessEnv, out: number, err: number): Promise<Exited> {
  const Handle = processHandleClass();
  if (!Handle) return spawnByChildProcess(file, args, env, out, err);
  return new Promise((resolve, reject) => {
    let handle: ProcessHandle;
    let status: number;
    try {
      handle = new Handle();
      handle.onexit = (code, signal) => {
        handle.close();
        resolve(signal ? { code: null, signal } : { code, signal: null });
      };
      const envPairs = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
      status = handle.spawn({ file, args: [file, ...args], envPairs, stdio: [{ type: 'ignore' }, { type: 'fd', fd: out }, { type: 'fd', fd: err }], detached: false, windowsHide: false, windowsVerbatimArguments: false });
    } catch {
      // The handle's interface is not what this Node's was: child_process knows it.
      resolve(spawnByChildProcess(file, args, env, out, err));
      return;
    }
    if (status !== 0) {
      handle.close();
      reject(errnoError(status, file));
    }
  });
}

/** `spawnToFds` through node:child_process, where Node's process handle is not reachable. */
async function spawnByChildProcess(file: string, args: readonly string[], env: NodeJS.ProcessEnv, out: number, err: number): Promise<Exited> {
  const { spawn } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', out, err], env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}
