/**
 * A subprocess for the kill -9 tests: saves checkpoints of a mid-sized U-Net into `Deno.args[0]`
 * forever (`iter_1`, `iter_2`, then `iter_2` again and again, so both new and replacing writes
 * happen), printing "saving" before the first write. The test kills it with SIGKILL mid-write.
 */
import { createModel, ready } from "../../lib/mod.ts";
import { createOptimizer, saveCheckpoint } from "../../lib/train/mod.ts";

await ready("cpu", { quiet: true });
const dir = Deno.args[0];
const model = createModel({ type: "UNet", num_classes: 2, base_channels: 16, depth: 3 }, { seed: 1 });
const optimizer = createOptimizer({ type: "Adam" });
const state = (iter: number) => ({ iter, iters: 10, seed: 1, model: model.config, config: {}, history: [] });
console.log("saving");
for (let k = 1;; k++) {
  const iter = Math.min(k, 2);
  await saveCheckpoint(`${dir}/iter_${iter}`, { model, optimizer, state: state(iter) });
}
