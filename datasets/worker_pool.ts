/**
 * Decoding samples in web workers (Deno and browsers have them; Node's `worker_threads` is a
 * different API, so under Node this falls back to the calling thread). Each worker rebuilds
 * the data set from the recipe `createDataset` recorded and sends samples back by transfer (no
 * copy). Results do not depend on which worker decoded a sample: its randomness comes from
 * (seed, epoch, index).
 * @module
 */
import { DatasetError } from "./errors.ts";
import { type DatasetRecipe, RECIPE, type SegDataset, type SegSample } from "./types.ts";

/** Gets samples, somewhere. */
export interface SampleFetcher {
  get(index: number, seed: number, epoch: number): Promise<SegSample>;
  close(): void;
  /** Threads actually used (0: the calling thread). */
  readonly threads: number;
}

interface WorkerLike {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
}

/** True when this runtime has web workers. */
export function hasWebWorkers(): boolean {
  return typeof (globalThis as { Worker?: unknown }).Worker === "function" &&
    typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
}

/** A pool of `n` workers decoding samples of `ds` (or the calling thread where there are none). */
export async function createWorkerPool(ds: SegDataset, n: number): Promise<SampleFetcher> {
  const recipe = (ds as unknown as Record<symbol, DatasetRecipe | undefined>)[RECIPE];
  const inThread: SampleFetcher = {
    get: (i, seed, epoch) => ds.get(i, { seed, epoch }),
    close() {},
    threads: 0,
  };
  if (!hasWebWorkers() || n < 1) return inThread;
  if (!recipe) {
    throw new DatasetError(
      "workers: the data set was not made by createDataset, so workers cannot rebuild it; use workers: 0",
    );
  }
  const url = new URL(
    import.meta.url.endsWith(".js") ? "./sample_worker.js" : "./sample_worker.ts",
    import.meta.url,
  );
  const Worker =
    (globalThis as unknown as { Worker: new (u: URL, o: { type: "module" }) => WorkerLike }).Worker;
  const pending = new Map<
    number,
    { resolve: (s: SegSample) => void; reject: (e: Error) => void; worker: number }
  >();
  const load = new Array(n).fill(0);
  let nextId = 0, closed = false;
  const workers: WorkerLike[] = [];
  const ready: Promise<void>[] = [];
  for (let k = 0; k < n; k++) {
    const w = new Worker(url, { type: "module" });
    workers.push(w);
    ready.push(
      new Promise<void>((res, rej) => {
        w.onmessage = (ev: MessageEvent) => {
          const m = ev.data as { kind: string; id?: number; sample?: SegSample; message?: string };
          if (m.kind === "ready") return res();
          if (m.kind === "init-error") {
            return rej(new DatasetError(m.message ?? "worker failed to open the data set"));
          }
          const p = pending.get(m.id!);
          if (!p) return;
          pending.delete(m.id!);
          load[p.worker]--;
          if (m.kind === "sample") p.resolve(m.sample!);
          else p.reject(new DatasetError(m.message ?? "worker error"));
        };
        w.onerror = (ev: ErrorEvent) => {
          ev.preventDefault?.();
          const err = new DatasetError(`data worker crashed: ${ev.message}`);
          rej(err);
          for (const [id, p] of pending) {
            if (p.worker === k) {
              pending.delete(id);
              p.reject(err);
            }
          }
        };
      }),
    );
    w.postMessage({ kind: "init", recipe });
  }
  try {
    await Promise.all(ready);
  } catch (e) {
    workers.forEach((w) => w.terminate());
    throw e;
  }
  return {
    threads: n,
    get(index, seed, epoch) {
      if (closed) return Promise.reject(new DatasetError("the worker pool is closed"));
      let k = 0;
      for (let j = 1; j < n; j++) if (load[j] < load[k]) k = j;
      load[k]++;
      const id = nextId++;
      return new Promise<SegSample>((resolve, reject) => {
        pending.set(id, { resolve, reject, worker: k });
        workers[k].postMessage({ kind: "get", id, index, seed, epoch });
      });
    },
    close() {
      closed = true;
      workers.forEach((w) => w.terminate());
      for (const p of pending.values()) p.reject(new DatasetError("the worker pool was closed"));
      pending.clear();
    },
  };
}
