import assert from "node:assert/strict";
import { applyOpts } from "../../lib/config/config_opts.ts";
import { ConfigError } from "../../lib/config/config_error.ts";

Deno.test("applyOpts sets dotted keys with YAML values, indexing lists; bad paths name the option", () => {
  const cfg: Record<string, unknown> = {
    batch_size: 4,
    train_dataset: {
      transforms: [{ type: "ResizeStepScaling" }, { type: "RandomPaddingCrop", crop_size: [768, 768] }],
    },
  };
  applyOpts(cfg, ["batch_size=2", "train_dataset.transforms.1.crop_size=[64, 32]", "train_dataset.mode=val"]);
  assert.deepEqual(cfg, {
    batch_size: 2,
    train_dataset: {
      transforms: [{ type: "ResizeStepScaling" }, { type: "RandomPaddingCrop", crop_size: [64, 32] }],
      mode: "val",
    },
  });
  assert.throws(
    () => applyOpts(cfg, ["model.num_classes=2"]),
    (e: Error) =>
      e instanceof ConfigError && /--opts: model\.num_classes=2: model is not in the config/.test(e.message),
  );
  assert.throws(() => applyOpts(cfg, ["batch_size"]), /"batch_size" is not KEY=VALUE/);
  assert.throws(
    () => applyOpts(cfg, ["train_dataset.transforms.5=1"]),
    /index 5 is outside the list \(2 items\)/,
  );
});
