/**
 * What a helper thread of `helper_threads.ts` runs: its source (instantiate seglab's SIMD module on
 * the shared heap, then take chunks of each job until none is left), the kernels it may run, and
 * the layout of the shared control and job words.
 * @module
 */

/** Per-helper control words: go, done (1 ok, 2 trapped), ready (1 ok, −1 failed). */
export const GO = 0, DONE = 1, READY = 2;
/** Job words shared by all threads: next chunk, items, chunks, kernel id, argc, args…. */
export const NEXT = 0, COUNT = 1, CHUNKS = 2, NAME = 3, ARGC = 4, ARGS = 5, MAX_ARGS = 32;

/** Kernels a worker may run (by index in this list). */
// deno-fmt-ignore
export const NAMES = [
  "conv_filter_grad", "conv2d_direct", "conv2d_winograd", "conv_filter_grad_winograd",
  "conv_filter_grad_winograd4", "conv2d_winograd4", "winograd_filter2", "winograd_filter4",
  "winograd_final2", "winograd_final4",
];

/**
 * Every thread takes chunks (`floor(count·k / chunks)` … `floor(count·(k+1) / chunks)`) from the
 * shared counter until none is left, so a thread that the OS slows down takes fewer.
 */
export const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.once("message", ({ module, memory, ctrl, job, names }) => {
  const c = new Int32Array(ctrl), j = new Int32Array(job);
  let fns = null;
  try {
    fns = new WebAssembly.Instance(module, { env: { memory } }).exports;
    Atomics.store(c, ${READY}, 1);
  } catch (e) {
    Atomics.store(c, ${READY}, -1);
  }
  Atomics.notify(c, ${READY});
  if (!fns) return;
  for (;;) {
    Atomics.wait(c, ${GO}, 0);
    const args = Array.from(j.subarray(${ARGS}, ${ARGS} + j[${ARGC}]));
    const count = j[${COUNT}], chunks = j[${CHUNKS}], fn = fns[names[j[${NAME}]]];
    let ok = 1;
    try {
      for (let k; (k = Atomics.add(j, ${NEXT}, 1)) < chunks;) {
        fn(...args, Math.floor(count * k / chunks), Math.floor(count * (k + 1) / chunks));
      }
    } catch (e) {
      ok = 2;
    }
    Atomics.store(c, ${GO}, 0);
    Atomics.store(c, ${DONE}, ok);
    Atomics.notify(c, ${DONE});
  }
});
`;
