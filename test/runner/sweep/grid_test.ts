/** Grid axes: top-level comma splitting, YAML values, grid files, the product, point names. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  checkAxes,
  expandGrid,
  GridError,
  parseGridArg,
  pointName,
  pointNames,
  readGridFile,
  splitTopLevel,
} from "../../../runner/sweep/grid.ts";
import { tempDir } from "../_support.ts";

Deno.test("grid: values split on top-level commas only, each read as YAML", () => {
  assert.deepEqual(splitTopLevel(`[1,0.02],[1,0.05]`), ["[1,0.02]", "[1,0.05]"]);
  assert.deepEqual(splitTopLevel(`"a,b",'c,d',{x: 1, y: 2}`), [`"a,b"`, `'c,d'`, `{x: 1, y: 2}`]);
  assert.deepEqual(parseGridArg("seed=1,2,3"), { name: "seed", values: [1, 2, 3] });
  assert.deepEqual(parseGridArg("coef=[1,0.02],[1,0.05]"), { name: "coef", values: [[1, 0.02], [1, 0.05]] });
  assert.deepEqual(parseGridArg(`loss=ce, "hinge,x", true`), {
    name: "loss",
    values: ["ce", "hinge,x", true],
  });
});

Deno.test("grid: malformed axes are clear errors naming the flag and value", () => {
  assert.throws(() => parseGridArg("seed"), /-g "seed": expected name=v1,v2/);
  assert.throws(() => parseGridArg("seed=1,,2"), /-g seed: value 2 is empty/);
  assert.throws(() => parseGridArg("coef=[1,2"), /"\]" missing/);
  assert.throws(() => parseGridArg("coef=1]"), /unbalanced "\]"/);
  assert.throws(() => parseGridArg(`loss="ce`), /unclosed "/);
  assert.throws(() => checkAxes([parseGridArg("a=1"), parseGridArg("a=2")]), /names "a" twice/);
  assert.throws(() => checkAxes([parseGridArg("a=1,1")]), /gives a=1 twice/);
});

Deno.test("grid: YAML grid files keep their order; bad ones name the file", async () => {
  const dir = tempDir("seglab-grid-");
  const f = path.join(dir, "grid.yaml");
  fs.writeFileSync(f, "loss: [ce, hinge]\nseed: [1, 2, 3]\ncoef:\n  - [1, 0.02]\n");
  assert.deepEqual(await readGridFile(f), [
    { name: "loss", values: ["ce", "hinge"] },
    { name: "seed", values: [1, 2, 3] },
    { name: "coef", values: [[1, 0.02]] },
  ]);
  fs.writeFileSync(f, "- 1\n- 2\n");
  await assert.rejects(
    readGridFile(f),
    (e) => e instanceof GridError && /grid\.yaml must be a mapping/.test(e.message),
  );
  await assert.rejects(readGridFile(path.join(dir, "none.yaml")), /cannot read the grid file .*none\.yaml/);
});

Deno.test("grid: the Cartesian product, first axis slowest, and safe unique file names", () => {
  const pts = expandGrid([parseGridArg("loss=ce,hinge"), parseGridArg("seed=1,2,3")]);
  assert.equal(pts.length, 6);
  assert.deepEqual(pts[0], { loss: "ce", seed: 1 });
  assert.deepEqual(pts[5], { loss: "hinge", seed: 3 });
  assert.equal(pointName({ coef: [1, 0.02], seed: 2 }), "coef=1_0.02,seed=2");
  assert.equal(pointName({ name: "a b/c" }), "name=a_b_c");
  const names = pointNames([{ x: "a b" }, { x: "a/b" }]);
  assert.notEqual(names[0], names[1]);
  assert.match(names[0], /^x=a_b-[0-9a-f]{8}$/);
  assert.ok(pointName({ x: "y".repeat(300) }).length <= 120);
});
