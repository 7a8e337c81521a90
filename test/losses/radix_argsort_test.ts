import assert from "node:assert/strict";
import { argsortDescending } from "../../lib/losses/mod.ts";

Deno.test("argsortDescending is a stable descending sort over negatives, zeros and ties", () => {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (const n of [0, 1, 5, 1000, 70000]) {
    const v = Float32Array.from({ length: n }, () => Math.round((rnd() - 0.3) * 50) / 10);
    if (n > 2) v[1] = -0;
    const idx = argsortDescending(v);
    const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => (v[b] - v[a]) || a - b);
    assert.deepEqual(Array.from(idx), expected, `n=${n}`);
  }
});

Deno.test("argsortDescending handles extreme magnitudes", () => {
  const v = Float32Array.of(1e-38, -1e38, 3.4e38, 0, -1e-38, 1);
  assert.deepEqual(Array.from(argsortDescending(v)), [2, 5, 0, 3, 4, 1]);
});
