import assert from "node:assert/strict";
import { createLoss, tf } from "../../lib/mod.ts";
import { testOnBackends } from "../support/backends.ts";
import { assertClose } from "../support/assert_close.ts";
import { ohemRef, randomCase } from "./_reference.ts";

testOnBackends("OhemCrossEntropyLoss matches PaddleSeg's definition and trains on wasm", () => {
  const k = randomCase(2, 6, 6, 3, 17);
  const x = tf.tensor4d(k.x, [2, 6, 6, 3]), y = tf.tensor3d(k.y, [2, 6, 6], "int32");
  for (const [thresh, minKept] of [[0.7, 10], [0.3, 40], [0.7, 100000], [0.9, 0]]) {
    const got =
      createLoss({ type: "OhemCrossEntropyLoss", thresh, min_kept: minKept }).compute(x, y).dataSync()[0];
    assertClose(got, ohemRef(k, thresh, minKept), 1e-6, 1e-5, `ohem thresh ${thresh} min_kept ${minKept}`);
  }
  const v = tf.variable(x);
  const loss = createLoss({ type: "OhemCrossEntropyLoss", thresh: 0.7, min_kept: 10 });
  const g = tf.grad((t: tf.Tensor) => loss.compute(t as tf.Tensor4D, y))(v);
  assert.ok(g.dataSync().some((d) => d !== 0));
  assert.throws(() => createLoss({ type: "OhemCrossEntropyLoss", min_kept: -1 }), /min_kept: must be ≥ 0/);
});
