import assert from "node:assert/strict";
import { createLrScheduler } from "../../lib/train/mod.ts";
import { ConfigError } from "../../lib/config/mod.ts";
import { assertClose } from "../support/assert_close.ts";

Deno.test("PolynomialDecay follows Paddle's formula with PaddleSeg 2.9's defaults (decay_steps = iters, end_lr 1e-4, power 1)", () => {
  // The Cityscapes base: learning_rate 0.01, power 0.9, end_lr 0, 160k iterations.
  const city = createLrScheduler({ type: "PolynomialDecay", learning_rate: 0.01, power: 0.9, end_lr: 0 }, {
    iters: 160000,
  });
  assert.equal(city(0), 0.01);
  assertClose(city(80000), 0.01 * Math.pow(0.5, 0.9), 0, 1e-12, "half way");
  assert.equal(city(160000), 0);
  assert.equal(city(200000), 0, "held at end_lr after decay_steps");
  assert.equal(city.config.decay_steps, 160000);
  // The road config sets power 0.9 but no end_lr: Paddle's default 1e-4 applies (PaddleSeg 2.9).
  const road = createLrScheduler({ type: "PolynomialDecay", learning_rate: 0.01, power: 0.9 }, {
    iters: 15000,
  });
  assert.equal(road.config.end_lr, 1e-4);
  assertClose(road(15000), 1e-4, 1e-15, 0, "ends at end_lr");
  assertClose(road(7500), (0.01 - 1e-4) * Math.pow(0.5, 0.9) + 1e-4, 0, 1e-12, "road half way");
  const bare = createLrScheduler({ type: "PolynomialDecay", learning_rate: 0.1 }, { iters: 10 });
  assertClose(bare(5), (0.1 - 1e-4) * 0.5 + 1e-4, 0, 1e-12, "power 1 by default");
  const cyc = createLrScheduler({
    type: "PolynomialDecay",
    learning_rate: 1,
    end_lr: 0,
    power: 1,
    decay_steps: 10,
    cycle: true,
  }, { iters: 100 });
  assertClose(cyc(15), 1 - 15 / 20, 0, 1e-12, "cycle doubles decay_steps past the first cycle");
});

Deno.test("warmup is Paddle's LinearWarmup: linear to learning_rate, then the schedule shifted (decay over iters − warmup)", () => {
  const lr = createLrScheduler({
    type: "PolynomialDecay",
    learning_rate: 0.01,
    end_lr: 0,
    power: 1,
    warmup_iters: 10,
    warmup_start_lr: 0.001,
  }, { iters: 110 });
  assert.equal(lr(0), 0.001);
  assertClose(lr(5), 0.001 + (0.01 - 0.001) * 0.5, 0, 1e-12, "mid warmup");
  assert.equal(lr(10), 0.01);
  assertClose(lr(60), 0.005, 0, 1e-12, "decay over 100 iterations after warmup");
  assert.equal(lr.config.decay_steps, 100);
  assert.throws(
    () =>
      createLrScheduler({ type: "PolynomialDecay", learning_rate: 0.01, warmup_iters: 10 }, { iters: 100 }),
    /warmup_iters needs warmup_start_lr/,
  );
});

Deno.test("other Paddle schedules", () => {
  const cos = createLrScheduler({ type: "CosineAnnealingDecay", learning_rate: 0.1, eta_min: 0.01 }, {
    iters: 100,
  });
  assertClose(cos(50), 0.055, 0, 1e-12, "cosine half");
  const pw = createLrScheduler({ type: "PiecewiseDecay", boundaries: [3, 6], values: [1, 0.5, 0.1] }, {
    iters: 10,
  });
  assert.deepEqual([0, 2, 3, 5, 6, 9].map(pw), [1, 1, 0.5, 0.5, 0.1, 0.1]);
  const st = createLrScheduler({ type: "StepDecay", learning_rate: 1, step_size: 4, gamma: 0.5 }, {
    iters: 10,
  });
  assert.deepEqual([0, 3, 4, 8].map(st), [1, 1, 0.5, 0.25]);
  const ms = createLrScheduler({ type: "MultiStepDecay", learning_rate: 1, milestones: [2, 5] }, {
    iters: 10,
  });
  assertClose(ms(5), 0.01, 0, 1e-12, "multistep");
});

Deno.test("lr_scheduler errors name the key path", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [
      { type: "PolynomialDecy", learning_rate: 0.01 },
      /^lr_scheduler\.type: unknown schedule "PolynomialDecy" \(did you mean "PolynomialDecay"\?\)/,
    ],
    [
      { type: "PolynomialDecay", learning_rate: "0.01x" },
      /^lr_scheduler\.learning_rate: expected a number, got "0\.01x"/,
    ],
    [{ type: "PolynomialDecay" }, /^lr_scheduler\.learning_rate: is required/],
    [
      { type: "PolynomialDecay", learning_rate: 0.01, end_lrr: 0 },
      /^lr_scheduler\.end_lrr: unknown key \(did you mean "end_lr"\?\)/,
    ],
    [
      { type: "PiecewiseDecay", boundaries: [3], values: [1, 2, 3] },
      /^lr_scheduler\.values: needs one more item than boundaries \(2\), got 3/,
    ],
  ];
  for (const [s, re] of bad) {
    assert.throws(
      () => createLrScheduler(s, { iters: 10 }),
      (e: Error) => e instanceof ConfigError && re.test(e.message),
      JSON.stringify(s),
    );
  }
});
