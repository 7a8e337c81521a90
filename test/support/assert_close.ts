/** Element-wise closeness with absolute + relative tolerance, reporting the worst element. */
import assert from "node:assert/strict";

/** Asserts `|a − e| ≤ atol + rtol·|e|` for a number. */
export function assertClose(
  actual: number,
  expected: number,
  atol: number,
  rtol: number,
  what = "value",
): void {
  const tol = atol + rtol * Math.abs(expected);
  assert.ok(
    Number.isFinite(actual) && Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, expected ${expected} (|diff| ${Math.abs(actual - expected)} > tol ${tol})`,
  );
}

/** Asserts every element is close; names the first offending index. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
  what = "array",
): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  assert.ok(
    worst < 0,
    worst < 0
      ? ""
      : `${what}[${worst}]: got ${actual[worst]}, expected ${
        expected[worst]
      } (over tolerance by ${worstExcess})`,
  );
}
