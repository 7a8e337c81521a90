/**
 * `display(x)`: shows a value through the current output sink (a notebook output, or the
 * terminal) and returns a handle to update it in place.
 *
 * @example
 * ```ts
 * import { display } from "seglab";
 * const h = display("epoch 1");
 * h.update("epoch 2");   // replaces the output in notebooks; prints again in a terminal
 * ```
 * @module
 */
import { getOutputSink } from "./sink.ts";
import { toMimeBundle } from "./bundle.ts";

/** A shown output that can be replaced. */
export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces the output with `x`. */
  update(x: unknown): void;
}

let counter = 0;

/** Shows `x`; with `displayId`, later `update`s replace this output. */
export function display(x: unknown, opts: { displayId?: string } = {}): DisplayHandle {
  const displayId = opts.displayId ?? `seglab-display-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  getOutputSink().display(toMimeBundle(x), { displayId });
  return {
    displayId,
    update(y: unknown) {
      getOutputSink().display(toMimeBundle(y), { displayId, update: true });
    },
    // tslab prints a cell's last value with console.log: the handle prints as nothing there.
    [Symbol.for("nodejs.util.inspect.custom")]: () => "",
  } as DisplayHandle;
}
