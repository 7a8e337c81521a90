import assert from "node:assert/strict";
import { ready, tf } from "../../lib/mod.ts";
import { createOptimizer } from "../../lib/train/mod.ts";
import { ConfigError } from "../../lib/config/mod.ts";
import { assertAllClose } from "../support/assert_close.ts";

await ready("cpu", { quiet: true });

/** Runs `steps` updates of one parameter with fixed gradients; returns its values after each. */
function run(
  section: Record<string, unknown>,
  p0: number[],
  grads: number[][],
  lrs: number[],
  name = "head.w",
) {
  const opt = createOptimizer(section);
  const v = tf.variable(tf.tensor1d(p0));
  const out: number[][] = [];
  grads.forEach((g, i) => {
    const gt = tf.tensor1d(g);
    opt.apply([{ name, variable: v }], [gt], lrs[i]);
    gt.dispose();
    out.push(Array.from(v.dataSync()));
  });
  return { opt, v, out };
}

Deno.test("SGD without momentum is Paddle's plain SGD with L2 weight decay", () => {
  const { opt, v, out } = run({ type: "SGD", weight_decay: 0.1 }, [1, -2], [[0.5, 0.5], [1, 0]], [0.1, 0.05]);
  assert.equal(opt.type, "SGD");
  const p1 = [1 - 0.1 * (0.5 + 0.1 * 1), -2 - 0.1 * (0.5 + 0.1 * -2)];
  const p2 = [p1[0] - 0.05 * (1 + 0.1 * p1[0]), p1[1] - 0.05 * (0 + 0.1 * p1[1])];
  assertAllClose(out[0], p1, 1e-6, 0, "step 1");
  assertAllClose(out[1], p2, 1e-6, 0, "step 2");
  assert.equal(opt.getState().slots.length, 0);
  v.dispose();
});

Deno.test("SGD with momentum becomes Momentum (PaddleSeg's builder); Nesterov too", () => {
  const g = [[1, 2], [0.5, -1], [0, 1]], lrs = [0.1, 0.1, 0.05];
  const { opt, v, out } = run({ type: "SGD", momentum: 0.9, weight_decay: 4e-5 }, [0.3, 0.4], g, lrs);
  assert.equal(opt.type, "Momentum");
  let p = [0.3, 0.4], vel = [0, 0];
  g.forEach((gi, i) => {
    const gg = gi.map((x, j) => x + 4e-5 * p[j]);
    vel = vel.map((x, j) => 0.9 * x + gg[j]);
    p = p.map((x, j) => x - lrs[i] * vel[j]);
    assertAllClose(out[i], p, 1e-6, 0, `momentum step ${i + 1}`);
  });
  v.dispose();
  const nes = run({ type: "Momentum", use_nesterov: true }, [0.3], [[1], [1]], [0.1, 0.1]);
  assert.equal(nes.opt.config.momentum, 0.9);
  // v1 = 1, p1 = 0.3 − 0.1·(1 + 0.9·1); v2 = 1.9, p2 = p1 − 0.1·(1 + 0.9·1.9)
  assertAllClose(nes.out[1], [0.3 - 0.19 - 0.1 * (1 + 0.9 * 1.9)], 1e-6, 0, "nesterov");
  nes.v.dispose();
});

Deno.test("Adam (L2 in the gradient) and AdamW (decoupled decay) follow Paddle's update", () => {
  const g = [[0.2, -0.4], [0.1, 0.3]], lrs = [0.01, 0.02];
  for (const type of ["adam", "AdamW"]) {
    const wd = 0.05;
    const { opt, v, out } = run({ type, weight_decay: wd }, [1, 2], g, lrs);
    let p = [1, 2], m = [0, 0], s = [0, 0];
    g.forEach((gi, i) => {
      const t = i + 1;
      const gg = type === "adam" ? gi.map((x, j) => x + wd * p[j]) : gi;
      if (type === "AdamW") p = p.map((x) => x * (1 - lrs[i] * wd));
      m = m.map((x, j) => 0.9 * x + 0.1 * gg[j]);
      s = s.map((x, j) => 0.999 * x + 0.001 * gg[j] * gg[j]);
      const lrT = lrs[i] * Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t);
      p = p.map((x, j) => x - lrT * m[j] / (Math.sqrt(s[j]) + 1e-8 * Math.sqrt(1 - 0.999 ** t)));
      assertAllClose(out[i], p, 1e-6, 0, `${type} step ${t}`);
    });
    assert.equal(opt.iterations, 2);
    assert.deepEqual(opt.getState().slots.map((x) => x.name), ["head.w/moment1", "head.w/moment2"]);
    v.dispose();
    opt.dispose();
  }
});

Deno.test("backbone_lr_mult scales the backbone's learning rate only", () => {
  const opt = createOptimizer({ type: "SGD", backbone_lr_mult: 0.1 });
  const a = tf.variable(tf.scalar(1)), b = tf.variable(tf.scalar(1));
  opt.apply([{ name: "backbone.conv1.conv/kernel", variable: a }, { name: "head.cls/kernel", variable: b }], [
    tf.scalar(1),
    tf.scalar(1),
  ], 0.5);
  assertAllClose([a.dataSync()[0], b.dataSync()[0]], [0.95, 0.5], 1e-7, 0, "lr mult");
  tf.dispose([a, b]);
});

Deno.test("optimizer state round-trips: a restored optimizer continues exactly", () => {
  const g = [[0.2, -0.4], [0.1, 0.3], [-0.5, 0.2]];
  const full = run({ type: "Adam" }, [1, 2], g, [0.01, 0.01, 0.01]);
  const half = run({ type: "Adam" }, [1, 2], g.slice(0, 2), [0.01, 0.01]);
  const st = half.opt.getState();
  const copy = createOptimizer({ type: "Adam" });
  copy.setState({
    iterations: st.iterations,
    slots: Object.fromEntries(st.slots.map((s) => [s.name, s.tensor])),
  });
  half.opt.dispose();
  const gt = tf.tensor1d(g[2]);
  copy.apply([{ name: "head.w", variable: half.v }], [gt], 0.01);
  assert.deepEqual(Array.from(half.v.dataSync()), full.out[2]);
  tf.dispose([gt, half.v, full.v]);
  copy.dispose();
  full.opt.dispose();
});

Deno.test("optimizer errors name the key path", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ type: "SGD", momentum: "0.9x" }, /^optimizer\.momentum: expected a number, got "0\.9x"/],
    [{ type: "sgdd" }, /^optimizer\.type: unknown optimizer "sgdd" \(did you mean "(SGD|sgd)"\?\)/],
    [
      { type: "Adam", momentum: 0.9 },
      /^optimizer\.momentum: unknown key; adam|^optimizer\.momentum: unknown key; Adam/,
    ],
    [{ type: "SGD", weight_decay: -1 }, /^optimizer\.weight_decay: must be ≥ 0, got -1/],
    [{ type: "SGD", use_nesterov: true }, /^optimizer\.use_nesterov: needs momentum/],
  ];
  for (const [s, re] of bad) {
    assert.throws(
      () => createOptimizer(s),
      (e: Error) => e instanceof ConfigError && re.test(e.message),
      JSON.stringify(s),
    );
  }
});
