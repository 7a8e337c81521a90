/**
 * `tf` used before `ready()`: TensorFlow.js picks the wasm backend on its own, which starts
 * asynchronously, and the first op throws "Backend 'wasm' has not yet been initialized" from deep
 * in its engine. This turns that into seglab's message — call `await ready()` first — with the
 * library's frames left out, so the cell's own line is the first one shown.
 * @module
 */
import type { tf as TF } from "./tf.ts";

/** The message `tf` gives when used before a backend is ready. */
export const NOT_READY_MESSAGE =
  'TensorFlow.js has no backend yet: call `await ready()` first (import { ready } from "seglab"); ' +
  "it picks and starts the backend (wasm, or a GPU/native one when installed)";

const PATCHED = Symbol.for("seglab.notReadyPatched");

/** Wraps the engine's `backend` getter once per TensorFlow.js copy. */
export function explainMissingBackend(tf: typeof TF): void {
  const proto = Object.getPrototypeOf(tf.engine()) as Record<PropertyKey, unknown>;
  if (proto[PATCHED]) return;
  const desc = Object.getOwnPropertyDescriptor(proto, "backend");
  if (!desc?.get) return;
  const get = desc.get;
  Object.defineProperty(proto, "backend", {
    ...desc,
    get() {
      try {
        return get.call(this);
      } catch (e) {
        if (!(e instanceof Error) || !/has not yet been initialized/.test(e.message)) throw e;
        const err = new Error(NOT_READY_MESSAGE, { cause: e });
        err.name = "BackendNotReady";
        err.stack = (err.stack ?? "").split("\n")
          .filter((l, i) => i === 0 || !/node_modules|\/lib\/core\/not_ready\.ts/.test(l))
          .join("\n");
        throw err;
      }
    },
  });
  proto[PATCHED] = true;
}
