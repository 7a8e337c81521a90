/**
 * PaddleSeg checkpoints in and out: a restricted reader of Paddle's `.pdparams` / `.pdopt`
 * pickles (it executes nothing: an allowlist of opcodes and numpy globals), a writer of files
 * `paddle.load` reads, and the mapping between PaddleSeg's parameter names and layouts and
 * seglab's models.
 *
 * @example
 * ```ts
 * import { readPdparams } from "seglab";
 * const state = await readPdparams("output/best_model/model.pdparams");
 * ```
 * @module
 */
export { PickleError, readPickle } from "./pickle_reader.ts";
export type { PyValue } from "./pickle_reader.ts";
export { writePickle } from "./pickle_writer.ts";
export type { PickleValue, WritePickleOptions } from "./pickle_writer.ts";
export {
  encodePdparams,
  NAME_TABLE_KEY,
  readPdopt,
  readPdparams,
  stateDict,
  writePdparams,
} from "./pdparams.ts";
export { ndarray } from "./ndarray.ts";
export { PaddleCheckpointError } from "./errors.ts";
export { loadPaddleState, loadPdparams, paddleState, savePdparams } from "./paddle_weights.ts";
export type { PaddleLoadOptions, PaddleLoadResult } from "./paddle_weights.ts";
export { paddleName } from "./paddleseg_names.ts";
export type { DTypeCode, NdArray } from "./ndarray.ts";
