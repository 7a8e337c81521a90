import assert from "node:assert/strict";
import { ready, tf } from "../../lib/mod.ts";
import { ConfigError } from "../../lib/config/mod.ts";
import { createModel, type SegModel } from "../../lib/models/mod.ts";
import { findLayer } from "../../lib/models/layers/recompute.ts";

await ready("wasm", { quiet: true });

function layerOut(m: SegModel, name: string): (number | null)[] {
  return (findLayer(m.net, name).output as tf.SymbolicTensor).shape as (number | null)[];
}

function run(m: SegModel, shape: number[], training: boolean): number[][] {
  return tf.tidy(() =>
    m.apply(tf.randomNormal(shape as [number, number, number, number]) as tf.Tensor4D, { training }).map((
      t,
    ) => t.shape)
  );
}

Deno.test("OCRNet + HRNet_W18: PaddleSeg's structure, [main, aux] in training and [main] in evaluation at input size", () => {
  const m = createModel({ type: "OCRNet", backbone: { type: "HRNet_W18" }, num_classes: 19 }, { seed: 3 });
  try {
    // HRNet-W18: 64-channel stem at 1/4, branches 18/36/72/144, one 270-channel feature at 1/4.
    assert.deepEqual(layerOut(m, "backbone.conv2.bn"), [null, null, null, 64]);
    assert.deepEqual([0, 1, 2, 3].map((i) => layerOut(m, `backbone.st4.2.fuse.${i}.relu`)[3]), [
      18,
      36,
      72,
      144,
    ]);
    assert.deepEqual(layerOut(m, "backbone.concat"), [null, null, null, 270]);
    // Stage module counts 1 / 4 / 3, four blocks per branch.
    assert.ok(
      findLayer(m.net, "backbone.st3.3.fuse.0.relu") && findLayer(m.net, "backbone.st4.2.b3.3.conv2.conv"),
    );
    assert.throws(() => findLayer(m.net, "backbone.st3.4.fuse.0.relu"));
    // OCR head: 512 mid channels, 256 key channels.
    assert.deepEqual(layerOut(m, "head.conv3x3_ocr.bn"), [null, null, null, 512]);
    assert.deepEqual(layerOut(m, "head.ocr.attention.core"), [null, null, null, 256]);
    // PaddleSeg reports 12.1M parameters for OCRNet-HRNet-W18 on Cityscapes.
    const n = m.countParams();
    assert.ok(n > 12.0e6 && n < 12.2e6, `parameters ${n}`);
    assert.deepEqual(m.outputNames, ["main", "aux"]);
    assert.deepEqual(run(m, [2, 33, 47, 3], true), [[2, 33, 47, 19], [2, 33, 47, 19]]);
    assert.deepEqual(run(m, [1, 32, 32, 3], false), [[1, 32, 32, 19]]);
  } finally {
    m.dispose();
  }
});

Deno.test("OCRNet small variants and UNet of configurable width and depth give logits at input size", () => {
  const cases: [Record<string, unknown>, number][] = [
    [{
      type: "OCRNet",
      backbone: { type: "HRNet_W18_Small_V1" },
      num_classes: 2,
      ocr_mid_channels: 64,
      ocr_key_channels: 32,
    }, 2],
    [{ type: "OCRNet", backbone: { type: "HRNet_W18_Small_V2" }, num_classes: 3 }, 2],
    [{
      type: "OCRNet",
      backbone: { type: "HRNet_W18_Small_V1", has_se: true, stem_channels: 8 },
      num_classes: 2,
      align_corners: true,
      ocr_mid_channels: 16,
      ocr_key_channels: 8,
    }, 2],
    [{ type: "UNet", num_classes: 4, base_channels: 8, depth: 2 }, 1],
    [{ type: "UNet", num_classes: 2, base_channels: 4, depth: 3, use_deconv: true }, 1],
  ];
  for (const [cfg, outputs] of cases) {
    const m = createModel(cfg, { seed: 1 });
    try {
      const k = cfg.num_classes as number;
      assert.deepEqual(run(m, [2, 30, 38, 3], true), new Array(outputs).fill([2, 30, 38, k]), m.description);
      assert.deepEqual(run(m, [1, 30, 38, 3], false), [[1, 30, 38, k]], m.description);
    } finally {
      m.dispose();
    }
  }
  const u = createModel({ type: "UNet", num_classes: 2, base_channels: 8, depth: 3 }, { seed: 1 });
  try {
    assert.equal(u.net.layers.filter((l) => l.getClassName() === "MaxPooling2D").length, 3);
    assert.deepEqual(layerOut(u, "encode.down3.1.bn"), [null, null, null, 32]); // 8·2^min(3, 2)
    assert.deepEqual(layerOut(u, "decode.up2.double_conv.1.bn"), [null, null, null, 8]);
  } finally {
    u.dispose();
  }
});

Deno.test("a model's initial weights depend only on its config and seed; names are stable", () => {
  const cfg = {
    type: "OCRNet",
    backbone: { type: "HRNet_W18_Small_V1", stem_channels: 8 },
    num_classes: 2,
    ocr_mid_channels: 16,
    ocr_key_channels: 8,
  };
  const a = createModel(cfg, { seed: 7 }),
    b = createModel(cfg, { seed: 7 }),
    c = createModel(cfg, { seed: 8 });
  try {
    const wa = a.namedWeights(), wb = b.namedWeights(), wc = c.namedWeights();
    assert.deepEqual(wa.map((w) => w.name), wb.map((w) => w.name));
    assert.ok(wa.every((w) => !/_\d+$/.test(w.name.split("/")[1])), "no uniquifying suffixes");
    for (let i = 0; i < wa.length; i++) {
      assert.deepEqual(wa[i].tensor.dataSync(), wb[i].tensor.dataSync(), wa[i].name);
    }
    const kernel = wa.findIndex((w) => w.name === "backbone.conv1.conv/kernel");
    assert.notDeepEqual(wa[kernel].tensor.dataSync(), wc[kernel].tensor.dataSync());
    // PaddleSeg's classifier initialisation: Normal(0, 0.001); convolutions before batch norm are He-normal.
    const head = wa.find((w) => w.name === "head.cls_head/kernel")!.tensor;
    const std = tf.tidy(() => tf.moments(head).variance.sqrt().dataSync()[0]);
    assert.ok(std > 0.0005 && std < 0.002, `head std ${std}`);
    const ocr = wa.find((w) => w.name === "head.conv3x3_ocr.conv/kernel")!.tensor; // 3×3, 16+32+64+128 = 240 inputs
    const stdOcr = tf.tidy(() => tf.moments(ocr).variance.sqrt().dataSync()[0]);
    assert.ok(Math.abs(stdOcr / Math.sqrt(2 / (9 * 240)) - 1) < 0.1, `He-normal std ${stdOcr}`);
    assert.equal(a.seed, 7);
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
  }
});

Deno.test("setWeights copies by name and refuses weights of another model, naming the differences", () => {
  const cfg = { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 };
  const a = createModel(cfg, { seed: 1 }),
    b = createModel(cfg, { seed: 2 }),
    other = createModel({ ...cfg, num_classes: 3 }, { seed: 1 });
  try {
    const named = Object.fromEntries(a.namedWeights().map((w) => [w.name, w.tensor]));
    assert.equal(b.setWeights(named), a.namedWeights().length);
    const x = tf.randomNormal([1, 16, 16, 3]) as tf.Tensor4D;
    const [ya] = a.apply(x), [yb] = b.apply(x);
    assert.deepEqual(ya.dataSync(), yb.dataSync());
    tf.dispose([x, ya, yb]);
    assert.throws(
      () => other.setWeights(named, { source: "checkpoint x" }),
      /checkpoint x do not fit UNet: 2 weight shape\(s\) differ \(cls\/kernel: checkpoint x \[3,3,4,2\] vs model \[3,3,4,3\]/,
    );
    const { ["cls/bias"]: _, ...partial } = named;
    assert.throws(() => b.setWeights(partial), /1 model weight\(s\) are missing \(cls\/bias\)/);
    assert.throws(
      () => b.setWeights({ ...named, "extra/kernel": named["cls/bias"] }),
      /1 weight\(s\) are not in this model \(extra\/kernel\)/,
    );
  } finally {
    a.dispose();
    b.dispose();
    other.dispose();
  }
});

Deno.test("model config errors name the key path and the fix", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [
      { type: "OCRnet", num_classes: 2 },
      /^model\.type: unknown model "OCRnet" \(did you mean "OCRNet"\?\); seglab has OCRNet, UNet/,
    ],
    [
      { type: "OCRNet", num_classes: 2, backbone: { type: "HRNet_W19" } },
      /^model\.backbone\.type: unknown backbone "HRNet_W19" \(did you mean "HRNet_W18"\?\)/,
    ],
    [
      { type: "OCRNet", num_classes: 2, backbone: { type: "HRNet_W18" }, ocr_mid_channels: "512" },
      /^model\.ocr_mid_channels: expected an integer, got "512"/,
    ],
    [
      { type: "OCRNet", num_classes: 2, backbone: { type: "HRNet_W18" }, ocr_mid_channel: 512 },
      /^model\.ocr_mid_channel: unknown key \(did you mean "ocr_mid_channels"\?\); OCRNet takes/,
    ],
    [{ type: "OCRNet", num_classes: 2 }, /^model\.backbone: is required/],
    [
      { type: "OCRNet", num_classes: 2, backbone: { type: "HRNet_W18", stage3_num_channels: [18, 36] } },
      /^model\.backbone: stage3 has 3 branches/,
    ],
    [{ type: "UNet" }, /^model\.num_classes: is required/],
    [{ type: "UNet", num_classes: 0 }, /^model\.num_classes: must be ≥ 1, got 0/],
    [{ type: "UNet", num_classes: 2, depth: 2.5 }, /^model\.depth: expected an integer, got 2.5/],
  ];
  for (const [cfg, re] of bad) {
    assert.throws(
      () => createModel(cfg, { seed: 0 }),
      (e: Error) => e instanceof ConfigError && re.test(e.message),
      JSON.stringify(cfg),
    );
  }
  assert.throws(
    () => createModel({ type: "UNet", num_classes: 3 }, { numClasses: 2 }),
    /model\.num_classes: is 3 but the dataset has 2 classes/,
  );
});

Deno.test("models free their weights on dispose", () => {
  const before = tf.memory().numTensors;
  const m = createModel({ type: "OCRNet", backbone: { type: "HRNet_W18_Small_V1" }, num_classes: 2 }, {
    seed: 0,
  });
  assert.ok(tf.memory().numTensors > before);
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("conv_init: paddleseg gives every OCRNet/HRNet convolution PaddleSeg's Normal(0, 0.001); he is the default", () => {
  const cfg = {
    type: "OCRNet",
    num_classes: 2,
    backbone: { type: "HRNet_W18_Small_V1", stem_channels: 8 },
    ocr_mid_channels: 16,
    ocr_key_channels: 8,
  };
  const std = (m: SegModel, name: string) => {
    const v = Array.from(m.namedWeights().find((w) => w.name === name)!.tensor.dataSync() as Float32Array);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  };
  const paddle = createModel({ ...cfg, conv_init: "paddleseg" }, { seed: 1 });
  const he = createModel(cfg, { seed: 1 });
  try {
    for (const n of ["backbone.layer1.0.conv2.conv/kernel", "head.conv3x3_ocr.conv/kernel"]) {
      assert.ok(Math.abs(std(paddle, n) - 0.001) < 0.0002, `${n}: ${std(paddle, n)}`);
      assert.ok(std(he, n) > 0.01, `${n} (he): ${std(he, n)}`);
    }
    assert.equal(he.config.conv_init, undefined, "the default is not written into the config");
    assert.throws(
      () => createModel({ ...cfg, conv_init: "xavier" }),
      /model\.conv_init: expected "he" .* or "paddleseg"/,
    );
  } finally {
    paddle.dispose();
    he.dispose();
  }
});
