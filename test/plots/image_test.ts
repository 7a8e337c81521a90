import assert from "node:assert/strict";
import { decode } from "fast-png";
import { imageGrid, maskImage, overlayImage, rgbImage } from "../../lib/mod.ts";
import { defaultPalette } from "../../lib/core/palette.ts";

Deno.test("defaultPalette is PaddleSeg's VOC colour map", () => {
  assert.deepEqual(defaultPalette(4), [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0]]);
});

Deno.test("maskImage colours classes and ignored pixels; PNG round-trips", () => {
  const m = maskImage([0, 1, 2, 255], { width: 2, height: 2, palette: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] });
  const d = decode(m.png());
  assert.equal(d.width, 2);
  assert.deepEqual(Array.from(d.data as Uint8Array), [
    1,
    2,
    3,
    255,
    4,
    5,
    6,
    255,
    7,
    8,
    9,
    255,
    128,
    128,
    128,
    255,
  ]);
  assert.throws(() => maskImage([0, 1], { width: 2, height: 2 }), /2 labels for a 2×2 mask/);
});

Deno.test("overlayImage blends only foreground classes; rgbImage stretches floats", () => {
  const img = rgbImage(new Float32Array([-1, -1, -1, 1, 1, 1]), { width: 2, height: 1 });
  assert.deepEqual(Array.from(img.rgba), [0, 0, 0, 255, 255, 255, 255, 255]);
  const o = overlayImage(img, [0, 1], { width: 2, height: 1, palette: [[0, 0, 0], [255, 0, 0]], alpha: 0.5 });
  assert.deepEqual(Array.from(o.rgba), [0, 0, 0, 255, 255, 128, 128, 255]);
});

Deno.test("imageGrid lays images out with gaps and zoom", () => {
  const a = rgbImage(new Uint8Array([255, 0, 0]), { width: 1, height: 1 });
  const g = imageGrid([a, a, a], { columns: 2, gap: 1, zoom: 2 });
  assert.equal(g.width, 2 * 2 + 1);
  assert.equal(g.height, 2 * 2 + 1);
  assert.deepEqual(Array.from(g.rgba.slice(0, 4)), [255, 0, 0, 255]);
  assert.deepEqual(Array.from(g.rgba.slice(8, 12)), [255, 255, 255, 255], "gap is white");
});

Deno.test("imageGrid's HTML lays titled images out without a table (front ends stripe table rows)", async () => {
  const { toMimeBundle } = await import("../../lib/display/mod.ts");
  const a = rgbImage(new Uint8Array([255, 0, 0]), { width: 1, height: 1 });
  const g = imageGrid([a, a, a], { columns: 2, titles: ["x", "y<", "z"] });
  const html = String((await toMimeBundle(g))["text/html"]);
  assert.ok(!/<table|<tr|<td/.test(html), html.slice(0, 200));
  assert.equal(html.match(/<img /g)?.length, 3);
  assert.equal(html.match(/<br\/>/g)?.length, 1, "two rows of two columns");
  assert.ok(html.includes("<small>y&lt;</small>"));
});
