import assert from "node:assert/strict";
import {
  addLogitsToConfusion,
  confusionMatrix,
  emptyConfusion,
  metricsLine,
  ready,
  segMetrics,
  sumConfusion,
  tf,
} from "../../lib/mod.ts";
import { assertClose } from "../support/assert_close.ts";

Deno.test("segMetrics follows PaddleSeg 2.9: IoU, absent class = 1, acc, kappa, dice", () => {
  // labels / preds over 3 classes; class 2 never appears in either.
  const label = [0, 0, 0, 1, 1, 255, 0, 1];
  const pred = [0, 0, 1, 1, 0, 1, 0, 1];
  const m = segMetrics(confusionMatrix(pred, label, 3));
  // class 0: I=3, P=4, L=4 → 3/5; class 1: I=2, P=3, L=3 → 2/4; class 2 → 1
  assertClose(m.classIoU[0], 3 / 5, 0, 1e-12, "IoU 0");
  assertClose(m.classIoU[1], 2 / 4, 0, 1e-12, "IoU 1");
  assert.equal(m.classIoU[2], 1);
  assertClose(m.miou, (0.6 + 0.5 + 1) / 3, 0, 1e-12, "mIoU");
  assertClose(m.miouPresent, 0.55, 0, 1e-12, "mIoU present");
  assertClose(m.acc, 5 / 7, 0, 1e-12, "acc");
  const po = 5 / 7, pe = (4 * 4 + 3 * 3) / 49;
  assertClose(m.kappa, (po - pe) / (1 - pe), 0, 1e-12, "kappa");
  assertClose(m.classDice[0], 6 / 8, 0, 1e-12, "dice 0");
  assert.equal(m.classDice[2], 0);
  assert.match(metricsLine(m), /^mIoU: 0\.7000 Acc: 0\.7143/);
});

Deno.test("confusion accumulates over batches like one big batch; bad values are named", () => {
  const a = confusionMatrix([0, 1], [0, 0], 2), b = confusionMatrix([1, 1], [1, 255], 2);
  assert.deepEqual(
    Array.from(sumConfusion(a, b).counts),
    Array.from(confusionMatrix([0, 1, 1, 1], [0, 0, 1, 255], 2).counts),
  );
  assert.throws(() => confusionMatrix([0], [3], 2), /label value 3 is outside \[0, 2\)/);
  assert.throws(() => confusionMatrix([5], [1], 2), /predicted class 5/);
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /2 pixels but label has 1/);
});

Deno.test("addLogitsToConfusion takes the argmax over channels", async () => {
  await ready("cpu", { quiet: true });
  const logits = tf.tensor4d([[[[2, 1], [0, 3]]]]);
  const cm = addLogitsToConfusion(emptyConfusion(2), logits, tf.tensor3d([[[0, 1]]], undefined, "int32"));
  assert.equal(segMetrics(cm).miou, 1);
});
