import assert from "node:assert/strict";
import { CITYSCAPES_LABEL_TO_TRAIN } from "../../datasets/classes.ts";
import type { Raster } from "../../datasets/decode/raster.ts";
import { labelProblem, parseLabelRemap, rasterToLabel } from "../../datasets/label_remap.ts";

const raster = (data: number[], channels: number, extra: Partial<Raster> = {}): Raster => ({
  width: data.length / channels,
  height: 1,
  channels,
  data: Uint8Array.from(data),
  depth: 8,
  format: "png",
  storedDepth: 8,
  ...extra,
});
const ctx = { ignoreIndex: 255, palette: [[0, 0, 0], [255, 255, 255]] as [number, number, number][] };

Deno.test("deepglobe remap: 0/255 masks (gray or RGB) → 0/1, threshold at 128, pixel by pixel", () => {
  const vals = [0, 1, 127, 128, 129, 200, 254, 255];
  assert.deepEqual(Array.from(rasterToLabel(raster(vals, 1), parseLabelRemap("deepglobe"), ctx)), [
    0,
    0,
    0,
    1,
    1,
    1,
    1,
    1,
  ]);
  const rgb = vals.flatMap((v) => [v, v, v]);
  assert.deepEqual(Array.from(rasterToLabel(raster(rgb, 3), parseLabelRemap("deepglobe"), ctx)), [
    0,
    0,
    0,
    1,
    1,
    1,
    1,
    1,
  ]);
  // JPEG masks are accepted only with a threshold (lossy noise is thresholded away).
  assert.deepEqual(
    Array.from(
      rasterToLabel(
        raster([3, 250], 1, { format: "jpeg" }),
        parseLabelRemap({ type: "threshold", threshold: 100 }),
        ctx,
      ),
    ),
    [0, 1],
  );
  assert.throws(
    () => rasterToLabel(raster([0, 1], 1, { format: "jpeg" }), parseLabelRemap(null), ctx),
    /JPEG: lossy/,
  );
});

Deno.test("cityscapes remap: every labelId 0–255 maps to its trainId, everything else to ignore", () => {
  const all = Array.from({ length: 256 }, (_, i) => i);
  const out = rasterToLabel(raster(all, 1), parseLabelRemap("cityscapes"), ctx);
  const official: Record<string, number> = {
    road: 7,
    sidewalk: 8,
    building: 11,
    wall: 12,
    fence: 13,
    pole: 17,
    "traffic light": 19,
    "traffic sign": 20,
    vegetation: 21,
    terrain: 22,
    sky: 23,
    person: 24,
    rider: 25,
    car: 26,
    truck: 27,
    bus: 28,
    train: 31,
    motorcycle: 32,
    bicycle: 33,
  };
  Object.values(official).forEach((labelId, trainId) =>
    assert.equal(out[labelId], trainId, `labelId ${labelId}`)
  );
  for (let v = 0; v < 256; v++) {
    if (!Object.values(official).includes(v)) assert.equal(out[v], 255, `labelId ${v} is ignored`);
  }
  assert.equal(Object.keys(CITYSCAPES_LABEL_TO_TRAIN).length, 19);
  // A different ignore_index is honoured.
  const out2 = rasterToLabel(raster([0, 7], 1), parseLabelRemap("cityscapes"), { ...ctx, ignoreIndex: 250 });
  assert.deepEqual(Array.from(out2), [250, 0]);
});

Deno.test("palette remap: RGB colours → class ids; unknown colours are an error or ignored", () => {
  const pal = [[10, 20, 30], [200, 0, 0], [0, 200, 0]];
  const px = [[200, 0, 0], [10, 20, 30], [0, 200, 0], [200, 0, 0]];
  const r = raster(px.flat(), 3);
  assert.deepEqual(Array.from(rasterToLabel(r, parseLabelRemap({ type: "palette", palette: pal }), ctx)), [
    1,
    0,
    2,
    1,
  ]);
  const bad = raster([...px.flat(), 1, 2, 3], 3);
  assert.throws(
    () => rasterToLabel(bad, parseLabelRemap({ type: "palette", palette: pal }), ctx),
    /1 colour not in the palette: \[1, 2, 3\] \(1 px\)/,
  );
  assert.deepEqual(
    Array.from(
      rasterToLabel(bad, parseLabelRemap({ type: "palette", palette: pal, unknown: "ignore" }), ctx),
    ),
    [1, 0, 2, 1, 255],
  );
  // "palette" alone uses the data set's palette; RGBA masks work too.
  const rgba = raster([255, 255, 255, 255, 0, 0, 0, 255], 4);
  assert.deepEqual(Array.from(rasterToLabel(rgba, parseLabelRemap("palette"), ctx)), [1, 0]);
});

Deno.test("map remap and label_remap errors", () => {
  const m = parseLabelRemap({ type: "map", map: { "7": 0, "8": 1 }, default: 255 });
  assert.deepEqual(Array.from(rasterToLabel(raster([7, 8, 9], 1), m, ctx)), [0, 1, 255]);
  const keep = parseLabelRemap({ type: "map", map: { "1": 0 }, default: "keep" });
  assert.deepEqual(Array.from(rasterToLabel(raster([1, 0, 5], 1), keep, ctx)), [0, 0, 5]);
  assert.throws(
    () => parseLabelRemap("cityscape"),
    /unknown value "cityscape"; use deepglobe, cityscapes, palette/,
  );
  assert.throws(
    () => parseLabelRemap({ type: "palette", colours: [] }),
    /"colours" is not a parameter of palette/,
  );
  assert.throws(
    () => rasterToLabel(raster([1, 2, 3], 3), parseLabelRemap(null), ctx),
    /the label is RGB \(3 channels\).*label_remap: palette/,
  );
});

Deno.test("labelProblem names the bad values, where the first is, and the likely remap", () => {
  assert.equal(labelProblem(Uint8Array.from([0, 1, 255]), 3, 2, 255), null);
  const msg = labelProblem(Uint8Array.from([0, 1, 0, 200, 200, 0]), 3, 2, 255)!;
  assert.match(
    msg,
    /label values 200 \(2 px\) are neither a class id \(0–1\) nor ignore_index 255; first at x=0, y=1; raw 0\/255 masks\? set label_remap: deepglobe/,
  );
  assert.match(
    labelProblem(Uint8Array.from([7, 26]), 2, 19, 255)!,
    /Cityscapes labelIds\? set label_remap: cityscapes/,
  );
});
