/**
 * compareSweep on the roads results table (README: CE 0.9333 ± 0.0152, CE + hinge 0.9459 ± 0.0034,
 * Δ +1.26 ± 1.19 points, t = 1.83 with 2 df): the same figures back, the t interval, the figure.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import { DISPLAY } from "../../../lib/core/mime.ts";
import { compareSweep } from "../../../runner/sweep/compare.ts";
import { studentTCdf, studentTQuantile } from "../../../runner/sweep/student_t.ts";

Deno.test("student t: quantiles and CDF match the tables", () => {
  assert.ok(Math.abs(studentTQuantile(0.975, 1) - 12.7062) < 1e-3);
  assert.ok(Math.abs(studentTQuantile(0.975, 2) - 4.3027) < 1e-3);
  assert.ok(Math.abs(studentTQuantile(0.975, 10) - 2.2281) < 1e-3);
  assert.ok(Math.abs(studentTQuantile(0.95, 5) - 2.0150) < 1e-3);
  assert.ok(Math.abs(studentTQuantile(0.025, 2) + 4.3027) < 1e-3);
  assert.ok(Math.abs(studentTCdf(0, 3) - 0.5) < 1e-12);
});

const roads = aq.from([
  { loss: "ce", seed: 1, miou: 0.9410 },
  { loss: "ce", seed: 2, miou: 0.9432 },
  { loss: "ce", seed: 3, miou: 0.9158 },
  { loss: "hinge", seed: 1, miou: 0.9468 },
  { loss: "hinge", seed: 2, miou: 0.9488 },
  { loss: "hinge", seed: 3, miou: 0.9421 },
]);

Deno.test("compareSweep: mean ± sd per setting and the paired difference with its t interval", () => {
  const c = compareSweep(roads, { metric: "miou" });
  assert.deepEqual(c.by, ["loss"]);
  assert.deepEqual(c.settings.map((s) => [s.setting, +s.mean.toFixed(4), +s.sd.toFixed(4), s.n]), [
    ["loss=ce", 0.9333, 0.0152, 3],
    ["loss=hinge", 0.9459, 0.0034, 3],
  ]);
  const [d] = c.differences;
  assert.equal(c.points, true);
  assert.equal(d.n, 3);
  assert.equal(+d.mean.toFixed(2), 1.26);
  assert.equal(+d.sd.toFixed(2), 1.19);
  assert.equal(+d.t.toFixed(2), 1.83);
  const half = 4.3027 * d.sd / Math.sqrt(3);
  assert.ok(Math.abs(d.low - (d.mean - half)) < 1e-3 && Math.abs(d.high - (d.mean + half)) < 1e-3);
  assert.ok(d.p > 0.15 && d.p < 0.25, `p = ${d.p}`);
  assert.deepEqual(d.perPair.map((x) => +x.diff.toFixed(2)), [0.58, 0.56, 2.63]);
  const text = c.text();
  assert.match(text, /loss=ce\s+0\.9333 ± 0\.0152/);
  assert.match(
    text,
    /Δ loss=hinge − loss=ce: \+1\.26 ± 1\.19 points over 3 paired seeds, 95% CI \[−1\.70, \+4\.21\]/,
  );
  assert.equal(c.differencesTable.numRows(), 1);
  assert.deepEqual(c.settingsTable.columnNames().slice(0, 4), ["loss", "n", "mean", "sd"]);
});

Deno.test("compareSweep: the figure shows every seed and each setting's interval; it displays", async () => {
  const c = compareSweep(roads, { metric: "miou", baseline: "hinge" });
  assert.equal(c.differences[0].setting, "loss=ce");
  assert.ok(c.differences[0].mean < 0);
  const fig = c.plot();
  assert.equal((fig.svg.match(/<circle/g) ?? []).length, 6, "one dot per run");
  assert.match(fig.svg, /95% CI/);
  const b = await c[DISPLAY]() as Record<string, string>;
  assert.match(b["text/html"], /<table>/);
  assert.match(b["text/plain"], /miou over seed/);
});

Deno.test("compareSweep: bad input names the column and the settings", () => {
  assert.throws(
    () => compareSweep(roads, { metric: "acc" }),
    /no column "acc"; the table has loss, seed, miou/,
  );
  assert.throws(() => compareSweep(roads, { metric: "miou", baseline: "dice" }), /no setting "dice"/);
  assert.throws(() => compareSweep(roads, { metric: "miou", by: [] }), /two rows for seed=1/);
});
