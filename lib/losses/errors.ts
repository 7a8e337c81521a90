/** The error every bad loss input or configuration raises, naming what is wrong and the fix. */
export class LossError extends Error {
  override name = "LossError";
}
