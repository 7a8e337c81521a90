/**
 * `PaddleCheckpointError`: a Paddle checkpoint that cannot be read or does not fit the model.
 * The message is one line naming the file and what is wrong (the key, opcode or global, and
 * what was expected).
 * @module
 */

/** A Paddle checkpoint that cannot be read or used. */
export class PaddleCheckpointError extends Error {
  override name = "PaddleCheckpointError";
}
