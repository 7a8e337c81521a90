import assert from "node:assert/strict";
import { createLoss, tf } from "../../lib/mod.ts";
import { testOnBackends } from "../support/backends.ts";
import { assertClose } from "../support/assert_close.ts";
import { focalRef, randomCase, softmaxAt } from "./_reference.ts";

testOnBackends("FocalLoss matches PaddleSeg's sigmoid focal definition", () => {
  const k = randomCase(2, 4, 5, 2, 4);
  const x = tf.tensor4d(k.x, [2, 4, 5, 2]), y = tf.tensor3d(k.y, [2, 4, 5], "int32");
  for (const [alpha, gamma] of [[0.25, 2], [0.6, 0.5]]) {
    const got = createLoss({ type: "FocalLoss", alpha, gamma }).compute(x, y).dataSync()[0];
    assertClose(got, focalRef(k, alpha, gamma), 1e-6, 1e-5, `focal α=${alpha} γ=${gamma}`);
  }
  assert.throws(
    () =>
      createLoss({ type: "FocalLoss" }).compute(
        tf.zeros([1, 2, 2, 3]) as tf.Tensor4D,
        tf.zeros([1, 2, 2], "int32") as tf.Tensor3D,
      ),
    /MultiClassFocalLoss/,
  );
});

testOnBackends("MultiClassFocalLoss: γ = 0 and α = 1 is cross entropy", () => {
  const k = randomCase(1, 4, 4, 4, 9);
  const x = tf.tensor4d(k.x, [1, 4, 4, 4]), y = tf.tensor3d(k.y, [1, 4, 4], "int32");
  const got = createLoss({ type: "MultiClassFocalLoss", gamma: 0, alpha: 1 }).compute(x, y).dataSync()[0];
  let sum = 0, cnt = 0;
  k.y.forEach((v, p) => {
    if (v !== 255) {
      sum += -Math.log(softmaxAt(k.x, 4, p)[v]);
      cnt++;
    }
  });
  assertClose(got, (sum / 16) / (cnt / 16 + 1e-10), 1e-6, 1e-5, "focal γ=0");
  assert.throws(
    () => createLoss({ type: "MultiClassFocalLoss", num_class: 3 }).compute(x, y),
    /num_class: is 3/,
  );
});
