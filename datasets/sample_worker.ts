/**
 * The web worker behind `batches(ds, { workers })`: rebuilds the data set from its recipe and
 * answers `get` requests, transferring the sample's buffers.
 * @module
 */
import { createDataset } from "./create_dataset.ts";
import type { DatasetRecipe, SegDataset, SegSample } from "./types.ts";

interface Scope {
  onmessage: ((ev: MessageEvent) => void) | null;
  postMessage(msg: unknown, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as Scope;
let ds: SegDataset | null = null;

scope.onmessage = async (ev: MessageEvent) => {
  const m = ev.data as {
    kind: string;
    recipe?: DatasetRecipe;
    id?: number;
    index?: number;
    seed?: number;
    epoch?: number;
  };
  if (m.kind === "init") {
    try {
      ds = await createDataset(m.recipe!.spec, { baseDir: m.recipe!.baseDir });
      scope.postMessage({ kind: "ready" });
    } catch (e) {
      scope.postMessage({ kind: "init-error", message: (e as Error).message });
    }
    return;
  }
  try {
    const s: SegSample = await ds!.get(m.index!, { seed: m.seed, epoch: m.epoch });
    const transfer: Transferable[] = [s.image.buffer as ArrayBuffer, s.label.buffer as ArrayBuffer];
    if (s.edge) transfer.push(s.edge.buffer as ArrayBuffer);
    scope.postMessage({ kind: "sample", id: m.id, sample: s }, [...new Set(transfer)]);
  } catch (e) {
    scope.postMessage({ kind: "error", id: m.id, message: (e as Error).message });
  }
};
