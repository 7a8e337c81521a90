/**
 * The Winograd F(2×2, 3×3) weight gradient (forced on) against seglab's direct SIMD kernel (forced
 * off) and the cpu backend: odd sizes (tiles cut by the border), `same`/`valid`/explicit padding,
 * channel counts that are not multiples of the 8-channel block, many blocks and partial sums over
 * the helper threads; a small gradient (under 512 tiles) keeps the direct kernel. Error bound (see `conv_filter_grad_winograd.ts`): max |difference| ≤ 2·10⁻⁶ ·
 * max |dW|. Repeated runs give the same bits; no tensor or heap buffer leaks.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../../lib/mod.ts";
import { onBackend, randTensor } from "../../_compare.ts";
import { assertWithin, relError, type WinogradCase, withMode } from "./_winograd_compare.ts";

type Case = WinogradCase;

// Batches large enough for ≥ 1024 output pixels (below that the direct kernel runs; see the last test).
const CASES: Case[] = [
  { x: [24, 9, 11, 12], co: 12, pad: "same" },
  { x: [52, 7, 10, 8], co: 20, pad: "valid" },
  { x: [9, 17, 15, 4], co: 16, pad: "same" },
  { x: [86, 6, 5, 16], co: 4, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { x: [256, 3, 3, 8], co: 8, pad: "same" },
  { x: [4, 32, 30, 16], co: 24, pad: "same" }, // many blocks, a partial sum per helper thread and more
];

const BOUNDS = { f23: 2e-6, f43: 1e-5 };

/** The weight gradient of `Σ conv2d(x, w)·r`. */
function problem(c: Case): tf.Tensor[] {
  const x = randTensor<tf.Rank.R4>(c.x, 31);
  const w = randTensor<tf.Rank.R4>([3, 3, c.x[3], c.co], 32);
  const r = randTensor(tf.conv2d(x, w, 1, c.pad).shape, 33);
  return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, a as tf.Tensor4D, 1, c.pad), r)))(w)];
}

for (const c of CASES) {
  const label = `x${c.x.join("x")}→${c.co} ${typeof c.pad === "string" ? c.pad : "explicit"}`;
  Deno.test(`Winograd weight gradients match direct and cpu: ${label}`, async () => {
    const [cpu] = await onBackend("cpu", () => problem(c));
    const [direct] = await withMode("off", () => onBackend("wasm", () => problem(c)));
    await ready("wasm", { quiet: true });
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const tensors = tf.memory().numTensors, ids = backend.numDataIds();
    const got: Float32Array[] = [];
    for (const mode of ["f23", "f43"] as const) {
      const [wino] = await withMode(mode, () => onBackend("wasm", () => problem(c)));
      const [again] = await withMode(mode, () => onBackend("wasm", () => problem(c)));
      const { direct: vsDirect } = assertWithin(wino, { direct, cpu }, BOUNDS[mode], `${mode} dW`);
      assert.deepEqual(again, wino, `${mode}: the same bits on a second run`);
      // The Winograd path really ran: its rounding differs from the direct kernel's somewhere.
      assert.ok(vsDirect > 0, `${mode} dW differs from the direct kernel's rounding`);
      got.push(wino);
    }
    assert.ok(relError(got[1], got[0]) > 0, "F(4×4, 3×3) is not F(2×2, 3×3)");
    assert.equal(tf.memory().numTensors, tensors, "no tensor leak");
    assert.equal(backend.numDataIds(), ids, "no backend data leak");
  });
}

Deno.test("a weight gradient of under 1024 output pixels runs the direct kernel", async () => {
  const c: Case = { x: [10, 9, 11, 12], co: 12, pad: "same" }; // 990 pixels
  const [direct] = await withMode("off", () => onBackend("wasm", () => problem(c)));
  for (const mode of ["f23", "f43"] as const) {
    const [wino] = await withMode(mode, () => onBackend("wasm", () => problem(c)));
    assert.deepEqual(wino, direct, mode);
  }
});

const RULE_CASES: [Case, "f23" | "f43"][] = [
  [{ x: [1, 64, 64, 8], co: 8, pad: "same" }, "f43"],
  [{ x: [2, 32, 32, 8], co: 8, pad: "same" }, "f43"],
  [{ x: [8, 16, 16, 8], co: 8, pad: "same" }, "f23"],
];

Deno.test("SEGLAB_WINOGRAD=on takes F(4×4, 3×3) from 32×32 outputs and F(2×2, 3×3) below", async () => {
  for (const [c, want] of RULE_CASES) {
    const [on] = await withMode("on", () => onBackend("wasm", () => problem(c)));
    const [forced] = await withMode(want, () => onBackend("wasm", () => problem(c)));
    const [other] = await withMode(want === "f43" ? "f23" : "f43", () => onBackend("wasm", () => problem(c)));
    assert.deepEqual(on, forced, `${c.x.join("x")}: ${want}`);
    assert.notDeepEqual(on, other);
  }
});
