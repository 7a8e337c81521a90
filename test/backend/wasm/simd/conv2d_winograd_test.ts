/**
 * The Winograd F(2×2, 3×3) convolution (forced on) against the direct SIMD kernel (forced off)
 * and the cpu backend, for the forward pass and the input gradient: odd sizes (tiles cut by the
 * border), `same`/`valid`/explicit padding, channel counts that are not multiples of the
 * 8-channel block, several blocks of tiles over the helper threads. Error bound (see
 * `conv2d_winograd.ts`): max |difference| ≤ 2·10⁻⁶ · max |y|. No tensor or heap buffer leaks.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../../lib/mod.ts";
import { onBackend } from "../../_compare.ts";
import {
  assertWithin,
  convAndInputGradient,
  relError,
  type WinogradCase,
  withMode,
} from "./_winograd_compare.ts";

type Case = WinogradCase;

const CASES: Case[] = [
  { x: [2, 9, 11, 12], co: 12, pad: "same" },
  { x: [1, 7, 10, 8], co: 20, pad: "valid" },
  { x: [3, 17, 15, 12], co: 20, pad: "same" },
  { x: [2, 6, 5, 16], co: 4, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { x: [1, 3, 3, 8], co: 8, pad: "same" },
  { x: [2, 12, 13, 4], co: 8, pad: "same" }, // forward on XNNPACK (4 < 8 channels), dx Winograd
];

const BOUND = 2e-6;

for (const c of CASES) {
  const label = `x${c.x.join("x")}→${c.co} ${typeof c.pad === "string" ? c.pad : "explicit"}`;
  Deno.test(`Winograd conv2d and its input gradient match direct and cpu: ${label}`, async () => {
    const cpu = await onBackend("cpu", () => convAndInputGradient(c));
    const direct = await withMode("off", () => onBackend("wasm", () => convAndInputGradient(c)));
    await ready("wasm", { quiet: true });
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const tensors = tf.memory().numTensors, ids = backend.numDataIds();
    const wino = await withMode("f23", () => onBackend("wasm", () => convAndInputGradient(c)));
    assert.equal(tf.memory().numTensors, tensors, "no tensor leak");
    assert.equal(backend.numDataIds(), ids, "no backend data leak");
    ["y", "dx"].forEach((what, i) => assertWithin(wino[i], { direct: direct[i], cpu: cpu[i] }, BOUND, what));
    // The Winograd path really ran: its rounding differs from the direct kernel's somewhere.
    assert.ok(relError(wino[1], direct[1]) > 0, "dx differs from the direct kernel's rounding");
    if (c.x[3] >= 8) {
      assert.ok(relError(wino[0], direct[0]) > 0, "y differs from the direct kernel's rounding");
    }
  });
}
