import assert from "node:assert/strict";
import {
  enhanceBrightness,
  enhanceColor,
  enhanceContrast,
  enhanceSharpness,
  shiftHue,
} from "../../../datasets/transforms/pil_enhance.ts";

// Expected pixels from Pillow 9.4's ImageEnhance and HSV conversion (make_fixtures.py).
const fx = JSON.parse(
  Deno.readTextFileSync(new URL("../../fixtures/datasets/enhance_expected.json", import.meta.url)),
);

for (const c of fx.cases as { op: string; factor: number; out: number[] }[]) {
  Deno.test(`RandomDistort's ${c.op} (${c.factor}) matches Pillow pixel for pixel`, () => {
    const im = Uint8Array.from(fx.src as number[]);
    if (c.op === "brightness") enhanceBrightness(im, c.factor);
    else if (c.op === "contrast") enhanceContrast(im, 3, c.factor);
    else if (c.op === "saturation") enhanceColor(im, 3, c.factor);
    else if (c.op === "sharpness") enhanceSharpness(im, fx.width, fx.height, 3, c.factor);
    else shiftHue(im, c.factor);
    const diffs = c.out.map((v, i) => Math.abs(v - im[i]));
    assert.equal(
      Math.max(...diffs),
      0,
      `${c.op}: ${diffs.filter((d) => d).length} of ${diffs.length} values differ`,
    );
  });
}
