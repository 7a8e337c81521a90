import assert from "node:assert/strict";
import { applyTransforms, createTransforms, TRANSFORMS } from "../../../datasets/transforms/mod.ts";
import type { WorkSample } from "../../../datasets/transforms/mod.ts";
import { stepScales } from "../../../datasets/transforms/resize_step_scaling.ts";
import { rngFor } from "../../../datasets/rng.ts";

const W = 40, H = 30;
/** Image (R, G) = (x, y); label = the pixel's own index y·W + x: any misalignment shows. */
function pattern(): WorkSample {
  const image = new Float32Array(W * H * 3), label = new Int32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      image.set([x, y, 99], (y * W + x) * 3);
      label[y * W + x] = y * W + x;
    }
  }
  return { image, label, height: H, width: W, channels: 3 };
}

Deno.test("the training chain keeps image and label aligned (known pattern, 200 random draws)", () => {
  const t = createTransforms([
    { type: "ResizeStepScaling", min_scale_factor: 0.5, max_scale_factor: 2.0, scale_step_size: 0.25 },
    { type: "RandomPaddingCrop", crop_size: [48, 36], label_padding_value: 65535 },
    { type: "RandomHorizontalFlip" },
    { type: "RandomVerticalFlip", prob: 0.5 },
  ]);
  let padded = 0, flipped = 0;
  for (let k = 0; k < 200; k++) {
    const s = applyTransforms(t, pattern(), rngFor(5, 0, k));
    assert.deepEqual([s.width, s.height], [48, 36]);
    for (let p = 0; p < 48 * 36; p++) {
      const id = s.label![p];
      if (id === 65535) {
        assert.deepEqual(
          Array.from(s.image.subarray(p * 3, p * 3 + 3)),
          [127.5, 127.5, 127.5],
          "padding is 127.5",
        );
        padded++;
        continue;
      }
      const sx = id % W, sy = Math.floor(id / W);
      const [r, g, b] = s.image.subarray(p * 3, p * 3 + 3);
      // cv2's bilinear samples at (x + ½)·s − ½, its nearest at ⌊x·s⌋ (s = src/dst ≤ 2): they
      // differ by less than 1 + (s − 1)/2 ≤ 1.5 source pixels; a misalignment would be ≥ 2.
      assert.ok(
        Math.abs(r - sx) < 1.5 && Math.abs(g - sy) < 1.5,
        `draw ${k} pixel ${p}: image (${r}, ${g}) vs label (${sx}, ${sy})`,
      );
      assert.ok(Math.abs(b - 99) < 1e-4);
    }
    if (s.label![0] % W > W / 2) flipped++;
  }
  assert.ok(padded > 0, "some draws were padded");
  assert.ok(flipped > 0, "some draws were flipped");
});

Deno.test("RandomPaddingCrop pads bottom/right with 127.5 and the ignore index, and leaves an exact-size image alone", () => {
  const [crop] = createTransforms([{ type: "RandomPaddingCrop", crop_size: [50, 40] }], { ignoreIndex: 250 });
  const s = crop.apply({ ...pattern(), label: new Uint8Array(W * H).fill(3) }, rngFor(1));
  assert.deepEqual([s.width, s.height], [50, 40]);
  assert.equal(s.label![0], 3);
  assert.equal(s.label![39 * 50 + 49], 250, "label padded with the data set's ignore_index");
  assert.equal(s.label![0 * 50 + 40], 250, "right");
  assert.deepEqual(Array.from(s.image.subarray(0, 3)), [0, 0, 99], "top-left is the original");
  const exact = createTransforms([{ type: "RandomPaddingCrop", crop_size: [W, H] }])[0];
  const p = pattern();
  assert.equal(exact.apply(p, rngFor(1)), p);
});

Deno.test("ResizeStepScaling draws from numpy's linspace and rounds like Python", () => {
  assert.deepEqual(stepScales(0.5, 2.0, 0.25), [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
  assert.deepEqual(stepScales(0.75, 1.25, 0.25), [0.75, 1, 1.25]);
  const [t] = createTransforms([{
    type: "ResizeStepScaling",
    min_scale_factor: 0.5,
    max_scale_factor: 2.0,
    scale_step_size: 0.25,
  }]);
  const sizes = new Set<string>();
  for (let k = 0; k < 100; k++) {
    const s = t.apply(pattern(), rngFor(2, k));
    sizes.add(`${s.width}x${s.height}`);
  }
  // 30·0.75 = 22.5 → 22 and 30·1.25 = 37.5 → 38 (half to even)
  assert.deepEqual([...sizes].sort(), ["20x15", "30x22", "40x30", "50x38", "60x45", "70x52", "80x60"].sort());
});

Deno.test("Normalize maps 0–255 to [-1, 1] by default and honours per-channel mean/std", () => {
  const s = { image: Float32Array.from([0, 127.5, 255]), label: null, height: 1, width: 1, channels: 3 };
  const [n] = createTransforms([{ type: "Normalize" }]);
  assert.deepEqual(Array.from(n.apply(s, rngFor(0)).image), [-1, 0, 1]);
  const [m] = createTransforms([{ type: "Normalize", mean: [0, 0.5, 1], std: [1, 0.25, 2] }]);
  assert.deepEqual(Array.from(m.apply(s, rngFor(0)).image), [0, 0, 0]);
  assert.throws(() => createTransforms([{ type: "Normalize", std: [0.5, 0, 0.5] }]), /std" must be non-zero/);
});

Deno.test("RandomDistort changes the image only, deterministically, with bytes out", () => {
  const [d] = createTransforms([{
    type: "RandomDistort",
    brightness_range: 0.4,
    contrast_range: 0.4,
    saturation_range: 0.4,
    hue_prob: 1,
  }]);
  const p = pattern();
  const a = d.apply(p, rngFor(9, 1, 3)),
    b = d.apply(pattern(), rngFor(9, 1, 3)),
    c = d.apply(pattern(), rngFor(9, 2, 3));
  assert.deepEqual(a.image, b.image);
  assert.notDeepEqual(a.image, c.image);
  assert.equal(a.label, p.label);
  assert.ok(a.image.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
});

Deno.test("Resize: fixed size, keep_ratio (PaddleSeg's rescale_size), ResizeByLong", () => {
  const [r] = createTransforms([{ type: "Resize", target_size: [20, 10] }]);
  assert.deepEqual([r.apply(pattern(), rngFor(0)).width, r.apply(pattern(), rngFor(0)).height], [20, 10]);
  const [k] = createTransforms([{ type: "Resize", target_size: [100, 60], keep_ratio: true }]);
  const ks = k.apply(pattern(), rngFor(0));
  assert.deepEqual([ks.width, ks.height], [80, 60]);
  const [l] = createTransforms([{ type: "ResizeByLong", long_size: 20 }]);
  const ls = l.apply(pattern(), rngFor(0));
  assert.deepEqual([ls.width, ls.height], [20, 15]);
});

Deno.test("unknown transforms and parameters are errors that list what is accepted", () => {
  assert.throws(() => createTransforms([{ type: "RandomAffine" }]), (e: Error) => {
    assert.match(e.message, /transforms\[0\]: unknown transform "RandomAffine"; known transforms: /);
    for (const name of Object.keys(TRANSFORMS)) assert.ok(e.message.includes(name), name);
    return true;
  });
  assert.throws(
    () => createTransforms([{ type: "RandomPaddingCrop", crop: [4, 4] }]),
    /RandomPaddingCrop: unknown parameter "crop"; RandomPaddingCrop accepts crop_size, im_padding_value/,
  );
  assert.throws(
    () => createTransforms([{ type: "RandomPaddingCrop", crop_size: [4] }]),
    /"crop_size" must be a positive integer or \[width, height\], got \[4\]/,
  );
  assert.throws(
    () => createTransforms([{ type: "RandomHorizontalFlip", prob: 2 }]),
    /"prob" must be in \[0, 1\], got 2/,
  );
  assert.throws(() => createTransforms({ type: "Normalize" }), /transforms must be a list/);
});

Deno.test("RandomPaddingCrop's category_max_ratio redraws crops dominated by one class", () => {
  // A 40×30 label: class 1 in a 6×6 corner block, class 0 elsewhere; 8×8 crops.
  const label = new Uint8Array(W * H);
  for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) label[y * W + x] = 1;
  const base = () => ({ ...pattern(), label: label.slice() });
  const count = (raw: Record<string, unknown>) => {
    const [t] = createTransforms([{ type: "RandomPaddingCrop", crop_size: [8, 8], ...raw }]);
    let mixed = 0;
    for (let k = 0; k < 200; k++) {
      const s = t.apply(base(), rngFor(8, k));
      if (new Set(s.label).size > 1) mixed++;
    }
    return mixed;
  };
  const plain = count({}), balanced = count({ category_max_ratio: 0.95, loop_times: 10 });
  assert.ok(balanced > plain * 3, `mixed crops: ${plain} plain vs ${balanced} with category_max_ratio`);
});
