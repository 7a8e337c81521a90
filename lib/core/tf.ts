/**
 * The TensorFlow.js namespace seglab uses everywhere. Importing it registers the `cpu` and
 * `wasm` backends; `ready()` chooses among them (and the native or GPU ones when installed).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { explainMissingBackend } from "./not_ready.ts";

explainMissingBackend(tf);

export { tf };
