/**
 * The Winograd F(4×4, 3×3) convolution (forced with `f43`) against the direct SIMD kernel (`off`),
 * the F(2×2, 3×3) kernel (`f23`) and the cpu backend, for the forward pass and the input gradient:
 * odd sizes (4×4 tiles cut by the border on every side), `same`/`valid`/explicit padding, channel
 * counts that are not multiples of the 8-channel block, inputs that are all positive (as after a
 * ReLU), several blocks of tiles over the helper threads. Error bound (see `conv2d_winograd.ts`):
 * max |difference| ≤ 1·10⁻⁵ · max |y|. No tensor or heap buffer leaks.
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

interface Case extends WinogradCase {
  /** Added to the inputs (1: all positive). */
  offset?: number;
}

const CASES: Case[] = [
  { x: [2, 9, 11, 12], co: 12, pad: "same" },
  { x: [1, 7, 10, 8], co: 20, pad: "valid" },
  { x: [3, 17, 15, 12], co: 20, pad: "same" }, // 2 blocks
  { x: [2, 6, 5, 16], co: 4, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { x: [1, 3, 3, 8], co: 8, pad: "same" },
  { x: [2, 12, 13, 4], co: 8, pad: "same" }, // forward on XNNPACK (4 < 8 channels), dx Winograd
  { x: [2, 33, 31, 8], co: 8, pad: "same", offset: 1 }, // 3 blocks, positive inputs
  { x: [1, 10, 14, 64], co: 64, pad: "same" }, // 8-tile blocks: 2 of them
];

const BOUND = 1e-5;

for (const c of CASES) {
  const label = `x${c.x.join("x")}→${c.co} ${typeof c.pad === "string" ? c.pad : "explicit"}` +
    (c.offset ? ` +${c.offset}` : "");
  Deno.test(`Winograd F(4×4, 3×3) conv2d and its input gradient match direct and cpu: ${label}`, async () => {
    const cpu = await onBackend("cpu", () => convAndInputGradient(c, c.offset));
    const direct = await withMode("off", () => onBackend("wasm", () => convAndInputGradient(c, c.offset)));
    const f23 = await withMode("f23", () => onBackend("wasm", () => convAndInputGradient(c, c.offset)));
    await ready("wasm", { quiet: true });
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const tensors = tf.memory().numTensors, ids = backend.numDataIds();
    const f43 = await withMode("f43", () => onBackend("wasm", () => convAndInputGradient(c, c.offset)));
    assert.equal(tf.memory().numTensors, tensors, "no tensor leak");
    assert.equal(backend.numDataIds(), ids, "no backend data leak");
    ["y", "dx"].forEach((what, i) => {
      const { direct: vsDirect, cpu: vsCpu } = assertWithin(
        f43[i],
        { direct: direct[i], cpu: cpu[i] },
        BOUND,
        what,
      );
      if (Deno.env.get("SEGLAB_WINOGRAD4_ERRORS")) {
        console.log(
          `${label} ${what}: vs direct ${vsDirect.toExponential(2)}, vs cpu ${vsCpu.toExponential(2)}` +
            `, F(2,3) vs cpu ${relError(f23[i], cpu[i]).toExponential(2)}`,
        );
      }
    });
    // F(4×4, 3×3) really ran: its rounding differs from both the direct kernel's and F(2×2, 3×3)'s.
    const ran = c.x[3] >= 8 ? [0, 1] : [1];
    for (const i of ran) {
      assert.ok(relError(f43[i], direct[i]) > 0, `output ${i} differs from the direct kernel's rounding`);
      assert.ok(relError(f43[i], f23[i]) > 0, `output ${i} differs from F(2×2, 3×3)'s rounding`);
    }
  });
}
