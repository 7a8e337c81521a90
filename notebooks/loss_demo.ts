/**
 * Loss demo (`npm run demo` until the notebooks land): on a road-like mask where roads are ~5%
 * of pixels, compares what cross entropy, the Lovász losses and their PaddleSeg blends say about
 * four predictions, next to the road IoU. Cross entropy rates "predict no road at all" far better
 * than its IoU of 0 deserves; the Lovász hinge does not.
 */
import { confusionMatrix, createLoss, createLossConfig, ready, segMetrics, tf } from "../lib/mod.ts";

const backend = await ready();
const H = 64, W = 64;

// A thin diagonal road (about 5% of pixels) with a few ignored pixels.
const labels = new Int32Array(H * W);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const d = Math.abs(x - (0.6 * y + 12 + 4 * Math.sin(y / 6)));
    labels[y * W + x] = d < 1.7 ? 1 : 0;
  }
}
for (let i = 0; i < 40; i++) labels[(i * 97) % (H * W)] = 255;
const y = tf.tensor3d(labels, [1, H, W], "int32");
const roadShare = labels.filter((v) => v === 1).length / labels.filter((v) => v !== 255).length;

/** Two-channel logits with confidence `m` for the given per-pixel prediction. */
function logitsFor(pred: (i: number) => number, m: number): tf.Tensor4D {
  const v = new Float32Array(H * W * 2);
  for (let i = 0; i < H * W; i++) v[2 * i + pred(i)] = m;
  return tf.tensor4d(v, [1, H, W, 2]);
}
const truth = (i: number) => (labels[i] === 1 ? 1 : 0);
const predictions: [string, tf.Tensor4D][] = [
  ["perfect", logitsFor(truth, 4)],
  ["no road at all", logitsFor(() => 0, 4)],
  [
    "road 2 px too wide",
    logitsFor((i) => {
      const r = Math.floor(i / W), c = i % W;
      for (let d = -2; d <= 2; d++) if (c + d >= 0 && c + d < W && labels[r * W + c + d] === 1) return 1;
      return 0;
    }, 4),
  ],
  ["right but unsure", logitsFor(truth, 0.3)],
];

const losses = {
  "CE": createLoss({ type: "CrossEntropyLoss" }),
  "Lovász hinge": createLoss({ type: "LovaszHingeLoss" }),
  "Lovász softmax": createLoss({ type: "LovaszSoftmaxLoss" }),
  "CE + 0.02 hinge": createLoss({
    type: "MixedLoss",
    losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszHingeLoss" }],
    coef: [1, 0.02],
  }),
  "0.8 CE + 0.2 softmax": createLoss({
    type: "MixedLoss",
    losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszSoftmaxLoss" }],
    coef: [0.8, 0.2],
  }),
};

const header = ["prediction", "road IoU", "mIoU", ...Object.keys(losses)];
const rows = predictions.map(([name, x]) => {
  const m = segMetrics(confusionMatrix(tf.argMax(x, -1), y, 2));
  return [
    name,
    m.classIoU[1].toFixed(3),
    m.miou.toFixed(3),
    ...Object.values(losses).map((l) => l.compute(x, y).dataSync()[0].toFixed(4)),
  ];
});
const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
const line = (r: string[]) =>
  r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");

console.log(
  `seglab loss demo — backend ${backend}; ${H}×${W} mask, roads ${
    (100 * roadShare).toFixed(1)
  }% of valid pixels\n`,
);
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
rows.forEach((r) => console.log(line(r)));

const ocr = createLossConfig({
  types: [{
    type: "MixedLoss",
    losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszHingeLoss" }],
    coef: [1, 0.02],
  }],
  coef: [1, 0.4],
});
console.log(
  `\nPaddleSeg's road recipe for a two-output model (OCRNet: main, aux), "no road" prediction on both:`,
);
for (const t of ocr.terms([predictions[1][1], predictions[1][1]], y)) {
  console.log(`  ${t.name.padEnd(22)} ${t.value.dataSync()[0].toFixed(4)}`);
}
