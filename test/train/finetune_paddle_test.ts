/**
 * Recipe 2 from a PaddleSeg checkpoint: `finetune({ from: "model.pdparams", config })`, the
 * config's `model.pretrained` / `backbone.pretrained` routes, and `pretrained:` URLs offline.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ready } from "../../lib/mod.ts";
import { createModel, type SegModel } from "../../lib/models/mod.ts";
import { finetune, train } from "../../lib/train/mod.ts";
import { paddleState, savePdparams } from "../../lib/paddle/paddle_weights.ts";
import { PaddleCheckpointError } from "../../lib/paddle/errors.ts";
import { shippedDataPath } from "../../datasets/mod.ts";
import { OCR_TINY } from "../support/tiny_ocrnet.ts";

await ready("wasm", { quiet: true });

const ROADS = shippedDataPath("synthetic-roads");
/** A PaddleSeg-style config: num_classes comes from the data set, as in PaddleSeg's road config. */
const CONFIG = {
  batch_size: 2,
  iters: 2,
  train_dataset: {
    type: "MiniDeepGlobeRoadExtraction",
    dataset_root: ROADS,
    transforms: [{ type: "RandomPaddingCrop", crop_size: [32, 32] }, { type: "Normalize" }],
    mode: "train",
  },
  model: OCR_TINY,
  optimizer: { type: "SGD", momentum: 0.9 },
  lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.01, power: 0.9 },
  loss: { types: [{ type: "CrossEntropyLoss" }, { type: "CrossEntropyLoss" }], coef: [1, 0.4] },
};

function weights(m: SegModel): Map<string, Float32Array> {
  return new Map(
    m.namedWeights().map((w) => [w.name, Float32Array.from(w.tensor.dataSync() as Float32Array)]),
  );
}

async function paddleCheckpoint(dir: string): Promise<{ file: string; expected: Map<string, Float32Array> }> {
  const m = createModel({ ...OCR_TINY, num_classes: 2 }, { seed: 77 });
  try {
    const file = path.join(dir, "output", "best_model", "model.pdparams");
    await savePdparams(m, file);
    return { file, expected: weights(m) };
  } finally {
    m.dispose();
  }
}

Deno.test("recipe 2 from PaddleSeg: finetune from a model.pdparams starts from its weights and trains with Lovász", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-ftpd-"));
  try {
    const { file, expected } = await paddleCheckpoint(dir);
    for (const from of [file, path.dirname(file)]) {
      let atStart: Map<string, Float32Array> | null = null;
      const lines: string[] = [];
      const ft = await finetune({
        from,
        config: CONFIG,
        loss: {
          types: [{
            type: "MixedLoss",
            losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszHingeLoss" }],
            coef: [1, 0.01],
          }],
          coef: [1, 0.4],
        },
        iters: 2,
        lr: 0.001,
        doEval: false,
        progress: false,
        log: (l) => lines.push(l),
        onProgress: (e) => {
          if (e.type === "start") atStart = weights(e.model);
        },
      });
      try {
        for (const [k, v] of expected) assert.deepEqual(atStart!.get(k), v, k);
        assert.ok(
          lines.some((l) =>
            /model\.pretrained: loaded \d+ weights from .*model\.pdparams \(PaddleSeg\)/.test(l)
          ),
        );
        assert.equal(ft.iter, 2);
        assert.ok(ft.history.terms.some((t) => /LovaszHingeLoss/.test(t)), ft.history.terms.join());
        assert.match(ft.startedFrom!, /model\.pdparams \(PaddleSeg\)/);
      } finally {
        ft.dispose();
      }
    }
    await assert.rejects(
      finetune({ from: file, loss: { type: "LovaszHingeLoss" }, iters: 1 }),
      /is a PaddleSeg checkpoint; pass config too/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("backbone.pretrained takes a PaddleSeg backbone file; a checkpoint of another class count is refused whole", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-ftpd-"));
  try {
    const src = createModel({ ...OCR_TINY, num_classes: 3 }, { seed: 5 });
    const state = await paddleState(src);
    const backbone = new Map(
      [...state].filter(([k]) => k.startsWith("backbone.")).map(([k, v]) => [k.slice(9), v]),
    );
    const { writePdparams } = await import("../../lib/paddle/pdparams.ts");
    const bbFile = path.join(dir, "hrnet_tiny.pdparams");
    await writePdparams(bbFile, backbone);
    const fullFile = path.join(dir, "k3.pdparams");
    await writePdparams(fullFile, state);
    const bbWeights = [...weights(src)].filter(([k]) => k.startsWith("backbone."));
    src.dispose();
    let atStart: Map<string, Float32Array> | null = null;
    const lines: string[] = [];
    const run = await train({
      config: { ...CONFIG, model: { ...OCR_TINY, backbone: { ...OCR_TINY.backbone, pretrained: bbFile } } },
      iters: 1,
      doEval: false,
      progress: false,
      log: (l) => lines.push(l),
      onProgress: (e) => {
        if (e.type === "start") atStart = weights(e.model);
      },
    });
    run.dispose();
    for (const [k, v] of bbWeights) assert.deepEqual(atStart!.get(k), v, k);
    assert.ok(lines.some((l) => /model\.backbone\.pretrained: loaded \d+ weights/.test(l)), lines.join("\n"));
    await assert.rejects(
      train({
        config: { ...CONFIG, model: { ...OCR_TINY, pretrained: fullFile } },
        progress: false,
        log: false,
      }),
      (e: Error) => {
        assert.ok(e instanceof PaddleCheckpointError);
        assert.match(
          e.message,
          /k3\.pdparams does not fit .* 2 classes: 4 mis-shaped: .*set model\.num_classes: 3/,
        );
        return true;
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("a pretrained URL that cannot be fetched: one line and the initialisation, or an error when required", async () => {
  const lines: string[] = [];
  const url = "http://127.0.0.1:9/paddleseg/dygraph/hrnet_w18_ssld.tar.gz"; // port 9 (discard): refused
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-cache-"));
  Deno.env.set("SEGLAB_CACHE_DIR", cache);
  try {
    const cfg = { ...CONFIG, model: { ...OCR_TINY, backbone: { ...OCR_TINY.backbone, pretrained: url } } };
    const run = await train({
      config: cfg,
      iters: 1,
      doEval: false,
      progress: false,
      log: (l) => lines.push(l),
    });
    run.dispose();
    const warn = lines.filter((l) => l.includes(url));
    assert.equal(warn.length, 1, lines.join("\n"));
    assert.match(
      warn[0],
      /model\.backbone\.pretrained: cannot download .* starting from the model's initialisation/,
    );
    await assert.rejects(
      train({ config: cfg, iters: 1, doEval: false, progress: false, log: false, requirePretrained: true }),
      /model\.backbone\.pretrained: cannot download http:\/\/127\.0\.0\.1:9\//,
    );
  } finally {
    Deno.env.delete("SEGLAB_CACHE_DIR");
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
