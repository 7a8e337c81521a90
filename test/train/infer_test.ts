import assert from "node:assert/strict";
import { createModel, ready, SegModel, tf } from "../../lib/mod.ts";
import { inferLogits, inferOptionsFromConfig } from "../../lib/train/mod.ts";
import { assertAllClose } from "../support/assert_close.ts";

await ready("wasm", { quiet: true });

/** A model without spatial context (one 1×1 convolution): every inference mode must agree with it. */
function pointwise(): SegModel {
  const input = tf.input({ shape: [null, null, 3] });
  const out = tf.layers.conv2d({
    filters: 3,
    kernelSize: 1,
    kernelInitializer: tf.initializers.randomNormal({ seed: 1 }),
  }).apply(input) as tf.SymbolicTensor;
  const net = tf.model({ inputs: input, outputs: out });
  return new SegModel({ type: "Pointwise", num_classes: 3, in_channels: 3 }, net, net, ["main"], 0);
}

Deno.test("slide inference covers every pixel once per window and averages: a pointwise model gives the whole-image logits", () => {
  const m = pointwise();
  const x = tf.randomNormal([2, 37, 29, 3], 0, 1, "float32", 5) as tf.Tensor4D;
  const whole = inferLogits(m, x);
  for (
    const [crop, stride] of [[[16, 16], [16, 16]], [[16, 12], [5, 7]], [[64, 64], [32, 32]]] as [
      number,
      number,
    ][][]
  ) {
    const slide = inferLogits(m, x, {
      mode: "slide",
      cropSize: crop as [number, number],
      stride: stride as [number, number],
    });
    assert.deepEqual(slide.shape, [2, 37, 29, 3]);
    assertAllClose(slide.dataSync(), whole.dataSync(), 1e-5, 1e-5, `crop ${crop} stride ${stride}`);
    slide.dispose();
  }
  tf.dispose([x, whole]);
  m.dispose();
});

Deno.test("slide inference averages overlapping windows as PaddleSeg does", () => {
  const m = createModel({ type: "UNet", num_classes: 2, base_channels: 4, depth: 2 }, { seed: 2 });
  const x = tf.randomNormal([1, 16, 24, 3], 0, 1, "float32", 6) as tf.Tensor4D;
  // Windows of width 16 every 8: [0,16) and [8,24).
  const got = inferLogits(m, x, { mode: "slide", cropSize: [16, 16], stride: [8, 8] });
  const a = m.apply(tf.slice(x, [0, 0, 0, 0], [1, 16, 16, 3]))[0],
    b = m.apply(tf.slice(x, [0, 0, 8, 0], [1, 16, 16, 3]))[0];
  const expected = tf.concat([
    tf.slice(a, [0, 0, 0, 0], [1, 16, 8, 2]),
    tf.div(tf.add(tf.slice(a, [0, 0, 8, 0], [1, 16, 8, 2]), tf.slice(b, [0, 0, 0, 0], [1, 16, 8, 2])), 2),
    tf.slice(b, [0, 0, 8, 0], [1, 16, 8, 2]),
  ], 2);
  assertAllClose(got.dataSync(), expected.dataSync(), 1e-5, 1e-5, "overlap average");
  tf.dispose([x, got, a, b, expected]);
  m.dispose();
});

Deno.test("resize inference returns logits at the image size; flip averages the flipped pass", () => {
  const m = pointwise();
  const x = tf.randomNormal([1, 20, 30, 3], 0, 1, "float32", 7) as tf.Tensor4D;
  const same = inferLogits(m, x, { mode: "resize", size: [30, 20] });
  const whole = inferLogits(m, x);
  assertAllClose(same.dataSync(), whole.dataSync(), 1e-5, 1e-5, "resize to the same size");
  const small = inferLogits(m, x, { mode: "resize", size: [15, 10] });
  assert.deepEqual(small.shape, [1, 20, 30, 3]);
  // A pointwise model is flip-equivariant: the flipped pass agrees, so argmax is unchanged.
  const flip = inferLogits(m, x, { flip: true });
  assert.deepEqual(tf.argMax(flip, -1).dataSync(), tf.argMax(whole, -1).dataSync());
  tf.dispose([x, same, whole, small, flip]);
  m.dispose();
});

Deno.test("test_config is read with PaddleSeg's keys", () => {
  assert.deepEqual(inferOptionsFromConfig({ is_slide: true, crop_size: [512, 512], stride: [384, 384] }), {
    mode: "slide",
    cropSize: [512, 512],
    stride: [384, 384],
    size: undefined,
    flip: false,
  });
  assert.equal(inferOptionsFromConfig({ resize_to: [256, 128] }).mode, "resize");
  assert.throws(
    () => inferOptionsFromConfig({ is_slide: true }),
    /test_config\.crop_size: is required with is_slide: true/,
  );
  assert.throws(
    () => inferOptionsFromConfig({ is_slide: true, crop_size: [512] }),
    /test_config\.crop_size: expected 2 items, got 1/,
  );
  // PaddleSeg's aug_eval options: scales and flip_vertical take effect with aug_eval, as in PaddleSeg.
  assert.deepEqual(inferOptionsFromConfig({ aug_eval: true, scales: [0.75, 1.0], flip_vertical: true }), {
    mode: "whole",
    cropSize: undefined,
    stride: undefined,
    size: undefined,
    flip: false,
    scales: [0.75, 1.0],
    flipVertical: true,
  });
  assert.equal(inferOptionsFromConfig({ scales: 0.5 }).scales, undefined, "ignored without aug_eval");
  assert.deepEqual(inferOptionsFromConfig({ aug_eval: true, scales: 0.5 }).scales, [0.5]);
  assert.throws(
    () => inferOptionsFromConfig({ aug_eval: true, scales: [0] }),
    /test_config\.scales: expected a positive number/,
  );
});

Deno.test("multi-scale and vertical-flip inference: a pointwise model gives its own probabilities at scale 1, and close ones at other scales", () => {
  const m = pointwise();
  const x = tf.randomNormal([1, 24, 16, 3], 0, 1, "float32", 2) as tf.Tensor4D;
  const probs = (t: tf.Tensor4D) => tf.softmax(t).dataSync() as Float32Array;
  const whole = probs(inferLogits(m, x));
  // Flips of a pointwise model change nothing: the average of the four passes is the single pass.
  const flips = probs(inferLogits(m, x, { flip: true, flipVertical: true }));
  assertAllClose(flips, whole, 1e-5, 1e-4, "flip combinations");
  // Smooth input: scaling down and back is close to the single pass.
  const smooth = tf.image.resizeBilinear(
    tf.randomNormal([1, 3, 2, 3], 0, 1, "float32", 3) as tf.Tensor4D,
    [24, 16],
    false,
    true,
  );
  const ref = probs(inferLogits(m, smooth));
  const multi = probs(inferLogits(m, smooth, { scales: [0.5, 1.0, 1.5] }));
  assertAllClose(multi, ref, 0.05, 0, "scales 0.5/1/1.5");
  const before = tf.memory().numTensors;
  inferLogits(m, smooth, { scales: [0.75, 1.25], flip: true, flipVertical: true }).dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
});
