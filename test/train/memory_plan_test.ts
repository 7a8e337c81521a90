import assert from "node:assert/strict";
import { ready } from "../../lib/mod.ts";
import { ConfigError } from "../../lib/config/mod.ts";
import { createModel, estimateTrainingMemory, recomputeBlocks } from "../../lib/models/mod.ts";
import { MemoryPlan, WASM_HEAP_LIMIT } from "../../lib/train/memory_plan.ts";

await ready("wasm", { quiet: true });
const W18 = { type: "OCRNet", backbone: { type: "HRNet_W18" }, num_classes: 19 };

Deno.test("memory estimate: grows with the crop; recomputation keeps far less", () => {
  const m = createModel(W18, { seed: 1 });
  try {
    const small = estimateTrainingMemory(m.net, [2, 256, 256, 3]);
    const big = estimateTrainingMemory(m.net, [2, 512, 1024, 3]);
    assert.ok(big.keptBytes > 7 * small.keptBytes && big.keptBytes < 9 * small.keptBytes);
    assert.ok(big.keptRecomputeBytes < big.keptBytes / 4);
    assert.ok(big.peakRecomputeBytes < big.peakBytes / 2);
    // Weights ×4 (weights, gradients, two optimizer slots) of 12.1M parameters (+BN statistics).
    assert.ok(big.weightBytes > 16 * 12.0e6 && big.weightBytes < 16 * 12.3e6);
  } finally {
    m.dispose();
  }
});

Deno.test("memory plan: recomputation past what fits with everything kept; a crop too large names the estimate and what fits", () => {
  const m = createModel(W18, { seed: 1 });
  try {
    const plan = new MemoryPlan(m, "auto", WASM_HEAP_LIMIT);
    const lines: string[] = [];
    assert.equal(plan.fit([2, 128, 128, 3]).recompute, false);
    const d = plan.fit([2, 512, 512, 3], (l) => lines.push(l));
    assert.equal(d.recompute, true);
    assert.ok(recomputeBlocks(m.net).every((b) => b.enabled));
    assert.match(lines[0], /crop 512×512×2.*recomputing/);
    // PaddleSeg's crops: 1024×512×2 and 768×768×2 train with recomputation (measured heaps in
    // bench/cpu_limits.md: 2986 MiB at 768×768×2 with 19 classes); 1024×1024×2 does not fit.
    const d1024 = plan.fit([2, 512, 1024, 3]);
    assert.equal(d1024.recompute, true);
    const d768 = plan.fit([2, 768, 768, 3]);
    assert.equal(d768.recompute, true);
    assert.ok(d768.needBytes >= 2986 * 2 ** 20, "the estimate is below the measured heap");
    assert.throws(() => plan.fit([2, 1024, 1024, 3]), /crop 1024×1024×2 .*fits is \d+×\d+×2, or 1024×1024×1/);
    // Back to a small crop: recomputation off again.
    plan.fit([2, 128, 128, 3]);
    assert.ok(recomputeBlocks(m.net).every((b) => !b.enabled));
    assert.throws(
      () => plan.fit([2, 2048, 2048, 3]),
      (e: Error) =>
        e instanceof ConfigError &&
        /crop 2048×2048×2 .*needs an estimated [\d.]+ GiB even with activation recomputation/.test(
          e.message,
        ) &&
        /largest crop of this shape that fits is \d+×\d+×2, or \d+×\d+×1/.test(e.message),
    );
    const off = new MemoryPlan(m, false, WASM_HEAP_LIMIT);
    assert.throws(() => off.fit([2, 512, 512, 3]), /with every activation kept \(recompute: false\)/);
    assert.equal(new MemoryPlan(m, true, null).fit([1, 64, 64, 3]).recompute, true);
    assert.throws(
      () => new MemoryPlan(m, "yes" as unknown as boolean),
      /recompute: must be "auto", true or false/,
    );
  } finally {
    m.dispose();
  }
});

Deno.test("memory plan: PaddleSeg's road setting (2 classes, 768×768×2) trains with recomputation, not below its measured heap", () => {
  const m = createModel({ ...W18, num_classes: 2 }, { seed: 1 });
  try {
    const d = new MemoryPlan(m, "auto", WASM_HEAP_LIMIT).fit([2, 768, 768, 3]);
    assert.equal(d.recompute, true);
    // Measured over three iterations: 2995 MiB (bench/cpu_limits.md).
    assert.ok(d.needBytes >= 2995 * 2 ** 20 && d.needBytes < WASM_HEAP_LIMIT);
  } finally {
    m.dispose();
  }
});
