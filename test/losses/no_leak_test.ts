import assert from "node:assert/strict";
import { createLossConfig, tf } from "../../lib/mod.ts";
import { testOnBackends } from "../support/backends.ts";

const SECTIONS = {
  "CE 0.8 + Lovász softmax 0.2, two outputs": {
    types: [{
      type: "MixedLoss",
      losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszSoftmaxLoss" }],
      coef: [0.8, 0.2],
    }],
    coef: [1, 0.4],
    classes: 4,
  },
  "CE + Lovász hinge 0.02, two outputs": {
    types: [{
      type: "MixedLoss",
      losses: [{ type: "CrossEntropyLoss", top_k_percent_pixels: 0.5 }, { type: "LovaszHingeLoss" }],
      coef: [1, 0.02],
    }],
    coef: [1, 0.4],
    classes: 2,
  },
  "Dice + OHEM + BCE + focal": {
    types: [{
      type: "MixedLoss",
      losses: [{ type: "DiceLoss" }, { type: "OhemCrossEntropyLoss", min_kept: 10 }, {
        type: "BCELoss",
        weight: "dynamic",
      }, { type: "FocalLoss" }],
      coef: [1, 1, 1, 1],
    }],
    coef: [1],
    classes: 2,
  },
};

for (const [name, s] of Object.entries(SECTIONS)) {
  testOnBackends(`training and evaluation with ${name} keep tf.memory().numTensors flat`, () => {
    const { classes, ...section } = s;
    const loss = createLossConfig(section as never);
    const outputs = section.coef.length;
    const w = tf.variable(tf.randomNormal([3, classes], 0, 0.5, "float32", 3));
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 4);
    const y = tf.randomUniform([2, 8, 8], 0, classes, "int32", 5) as tf.Tensor3D;
    const opt = tf.train.adam(0.05);
    const forward = () => {
      // a per-pixel linear layer (matMul trains on every backend)
      const logits = tf.reshape(tf.matMul(tf.reshape(x, [-1, 3]), w), [2, 8, 8, classes]) as tf.Tensor4D;
      return Array.from({ length: outputs }, () => logits);
    };
    const step = () => {
      opt.minimize(() => loss.compute(forward(), y));
      tf.tidy(() => loss.terms(forward(), y).map((t) => t.value.dataSync()[0]));
    };
    step(); // optimizer slots are created on the first step
    const before = tf.memory().numTensors;
    const first = tf.tidy(() => loss.compute(forward(), y).dataSync()[0]);
    for (let i = 0; i < 10; i++) step();
    assert.equal(tf.memory().numTensors, before, "tensors leaked across steps");
    const last = tf.tidy(() => loss.compute(forward(), y).dataSync()[0]);
    assert.ok(last < first, `loss did not decrease: ${first} → ${last}`);
    opt.dispose();
    tf.dispose([w, x, y]);
  });
}
