import assert from "node:assert/strict";
import { createLoss, tf } from "../../lib/mod.ts";
import { testOnBackends } from "../support/backends.ts";
import { assertClose } from "../support/assert_close.ts";
import { diceRef, randomCase } from "./_reference.ts";

testOnBackends("DiceLoss matches PaddleSeg's per-image, per-class definition", () => {
  const k = randomCase(2, 5, 6, 3, 3);
  const x = tf.tensor4d(k.x, [k.n, k.h, k.w, k.c]), y = tf.tensor3d(k.y, [k.n, k.h, k.w], "int32");
  for (const [smooth, weight] of [[1, null], [0.5, [1, 2, 0.5]]] as [number, number[] | null][]) {
    const got = createLoss({ type: "DiceLoss", smooth, weight }).compute(x, y).dataSync()[0];
    assertClose(got, diceRef(k, smooth, weight), 1e-6, 1e-5, `dice smooth ${smooth}`);
  }
});

testOnBackends("DiceLoss leaves labels untouched, so a later loss still sees ignored pixels", () => {
  const k = randomCase(1, 4, 4, 3, 8, 0.3);
  const y = tf.tensor3d(k.y, [1, 4, 4], "int32");
  const before = Array.from(y.dataSync());
  createLoss({ type: "DiceLoss" }).compute(tf.tensor4d(k.x, [1, 4, 4, 3]), y);
  assert.deepEqual(Array.from(y.dataSync()), before);
  assert.throws(
    () => createLoss({ type: "DiceLoss", weight: [1] }).compute(tf.tensor4d(k.x, [1, 4, 4, 3]), y),
    /weight: has 1 entries/,
  );
});
