import { lovaszGrad } from "../../lib/losses/mod.ts";
import { assertAllClose } from "../support/assert_close.ts";

Deno.test("lovaszGrad reproduces the reference vectors", () => {
  assertAllClose(lovaszGrad([1, 0, 1, 1, 0]), [1 / 3, 1 / 6, 1 / 4, 1 / 4, 0], 1e-15, 0, "[1,0,1,1,0]");
  assertAllClose(lovaszGrad([0, 0, 1]), [1 / 2, 1 / 6, 1 / 3], 1e-15, 0, "[0,0,1]");
  assertAllClose(lovaszGrad([0, 0, 0]), [1, 0, 0], 0, 0, "[0,0,0]");
  assertAllClose(lovaszGrad([1]), [1], 0, 0, "[1]");
});
