import assert from "node:assert/strict";
import { maskToBinaryEdge } from "../../datasets/edge.ts";

// PaddleSeg's mask_to_binary_edge run with scipy's distance transform (make_fixtures.py).
const cases = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/datasets/edge_expected.json", import.meta.url)),
);

Deno.test("maskToBinaryEdge equals PaddleSeg's distance-transform edges (radius 2), border and ignore included", () => {
  for (
    const c of cases as {
      width: number;
      height: number;
      num_classes: number;
      label: number[];
      edge: number[];
    }[]
  ) {
    const got = maskToBinaryEdge(Uint8Array.from(c.label), c.width, c.height, c.num_classes, 2);
    const diff = c.edge.filter((v, i) => v !== got[i]).length;
    assert.equal(diff, 0, `${c.width}×${c.height}: ${diff} pixels differ`);
    assert.ok(
      c.edge.some((v) => v === 0) && c.edge.some((v) => v === 1),
      "fixture has both edge and non-edge",
    );
  }
});

Deno.test("maskToBinaryEdge: a uniform label has only its 2-pixel border as edge", () => {
  const e = maskToBinaryEdge(new Uint8Array(8 * 8), 8, 8, 2, 2);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const border = x < 2 || y < 2 || x > 5 || y > 5;
      assert.equal(e[y * 8 + x], border ? 1 : 0, `(${x}, ${y})`);
    }
  }
  assert.throws(() => maskToBinaryEdge(new Uint8Array(4), 2, 2, 2, 0), /radius must be ≥ 1/);
});
