/**
 * Paddle's checkpoint files: `readPdparams(file)` reads what `paddle.save(model.state_dict(),
 * file)` writes — a dict of parameter names to numpy arrays — with the restricted unpickler,
 * dropping Paddle's `"StructuredToParameterName@@"` name table (as `paddle.load` does);
 * `readPdopt(file)` reads an optimizer's state (arrays, numbers and nested dicts);
 * `writePdparams(file, arrays)` writes a state dict that `paddle.load` reads, atomically.
 *
 * @example
 * ```ts
 * import { readPdparams } from "seglab";
 * const state = await readPdparams("output/best_model/model.pdparams");
 * state.get("head.cls_head.weight")?.shape;   // [2, 512, 1, 1]
 * ```
 * @module
 */
import { readBytes, readFailure, writeFileAtomic } from "../core/runtime.ts";
import { isNdArray, type NdArray } from "./ndarray.ts";
import { PickleError, type PyValue, readPickle } from "./pickle_reader.ts";
import { writePickle } from "./pickle_writer.ts";

/** Paddle's extra entry mapping structured names to its internal parameter names. */
export const NAME_TABLE_KEY = "StructuredToParameterName@@";

async function readFile(file: string): Promise<Uint8Array> {
  try {
    return await readBytes(file);
  } catch (e) {
    throw new PickleError(`${file}: cannot read the checkpoint (${readFailure(e)})`);
  }
}

/** Reads a `.pdparams` state dict: parameter name → array, in the file's order. */
export async function readPdparams(file: string): Promise<Map<string, NdArray>> {
  return stateDict(readPickle(await readFile(file), file), file);
}

/** The arrays of an unpickled state dict (`file` names it in errors). */
export function stateDict(value: PyValue, file: string): Map<string, NdArray> {
  if (!(value instanceof Map)) {
    throw new PickleError(
      `${file}: expected a state dict (a dict of parameter names to arrays), found a ${
        Array.isArray(value) ? "list" : typeof value
      }`,
    );
  }
  const out = new Map<string, NdArray>();
  for (const [k, v] of value) {
    if (k === NAME_TABLE_KEY) continue;
    if (typeof k !== "string") throw new PickleError(`${file}: a state dict key is ${String(k)}, not a name`);
    if (!isNdArray(v)) {
      throw new PickleError(
        `${file}: entry "${k}" is ${
          v instanceof Map ? "a dict" : typeof v
        }, not an array; is this an optimizer ` +
          `state (.pdopt) rather than model weights (.pdparams)?`,
      );
    }
    out.set(k, v);
  }
  return out;
}

/** Reads a `.pdopt` optimizer state (its dict as unpickled, name table dropped). */
export async function readPdopt(file: string): Promise<Map<PyValue, PyValue>> {
  const v = readPickle(await readFile(file), file);
  if (!(v instanceof Map)) {
    throw new PickleError(`${file}: expected the optimizer's state dict, found a list`);
  }
  v.delete(NAME_TABLE_KEY);
  return v;
}

/** Encodes a state dict as `paddle.save` does (protocol 4 unless 2 is asked for). */
export function encodePdparams(arrays: Map<string, NdArray>, protocol: 2 | 4 = 4): Uint8Array {
  return writePickle(arrays, { protocol });
}

/** Writes a state dict to `file` atomically (temporary file, then rename). */
export async function writePdparams(
  file: string,
  arrays: Map<string, NdArray>,
  opts: { protocol?: 2 | 4 } = {},
): Promise<void> {
  await writeFileAtomic(file, encodePdparams(arrays, opts.protocol ?? 4));
}
