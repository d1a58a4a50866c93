import type { Method, Progress, Response, WorkerApi } from '../protocol.js';

/**
 * Calls the parsing worker and routes its answers and progress. A new file
 * gets a new worker (the old one, perhaps still busy with a large file, is
 * terminated), so a request never answers for the wrong file.
 */
export class WorkerClient {
  private worker: Worker;
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(
    private readonly url: string,
    private readonly onProgress: (p: Progress) => void,
  ) {
    this.worker = this.start();
  }

  private start(): Worker {
    const w = new Worker(this.url);
    w.onmessage = (ev: MessageEvent<Response>) => {
      const m = ev.data;
      if ('progress' in m) return this.onProgress(m.progress);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(new Error(m.error));
      else p.resolve(m.result);
    };
    w.onerror = (ev) => {
      ev.preventDefault();
      this.failAll(new Error(`the parser stopped: ${ev.message || 'out of memory?'}`));
      this.worker = this.start();
    };
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Ends the current worker and starts a fresh one. */
  restart(): void {
    this.worker.terminate();
    this.failAll(new Error('cancelled: another file was opened'));
    this.worker = this.start();
  }

  call<M extends Method>(method: M, params: WorkerApi[M]['params']): Promise<WorkerApi[M]['result']> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, params });
    });
  }
}
