import assert from "node:assert/strict";
import { decodeRaster, rasterToImage } from "../../../datasets/decode/mod.ts";
import { rasterToLabel } from "../../../datasets/label_remap.ts";

// Fixtures written by Pillow (libpng / libjpeg): test/fixtures/datasets/make_fixtures.py.
const FIX = new URL("../../fixtures/datasets/", import.meta.url);
const read = (name: string) => Deno.readFileSync(new URL(name, FIX));
const expected = JSON.parse(Deno.readTextFileSync(new URL("decode_expected.json", FIX)));
const { width: W, height: H } = expected;
const noRemap = { type: "none" } as const;
const ctx = { ignoreIndex: 255, palette: [] };

Deno.test("PNG: RGB, RGBA (alpha dropped), gray and gray+alpha decode to Pillow's pixels", () => {
  const rgb = decodeRaster(read("rgb.png"));
  assert.deepEqual([rgb.width, rgb.height, rgb.channels], [W, H, 3]);
  assert.deepEqual(Array.from(rasterToImage(rgb, 3).data), expected.rgb);
  assert.deepEqual(Array.from(rasterToImage(decodeRaster(read("rgba.png")), 3).data), expected.rgb);
  const gray = rasterToImage(decodeRaster(read("gray.png")), 3).data;
  assert.deepEqual(Array.from(gray.filter((_, i) => i % 3 === 0)), expected.gray, "gray replicated into R");
  assert.deepEqual(Array.from(gray.filter((_, i) => i % 3 === 2)), expected.gray, "… and B");
  const la = decodeRaster(read("gray_alpha.png"));
  assert.equal(la.channels, 2);
  assert.deepEqual(Array.from(rasterToImage(la, 3).data.filter((_, i) => i % 3 === 1)), expected.gray);
});

Deno.test("PNG: 16-bit gray keeps its values as labels and its high byte as an image", () => {
  const r = decodeRaster(read("gray16.png"), true);
  assert.equal(r.depth, 16);
  const label = rasterToLabel(r, noRemap, ctx);
  assert.ok(label instanceof Int32Array);
  assert.deepEqual(Array.from(label), expected.gray16);
  const img = rasterToImage(decodeRaster(read("gray16.png")), 1).data;
  assert.deepEqual(Array.from(img), expected.gray16.map((v: number) => v >> 8));
});

Deno.test("PNG: palette images give indices as labels (Pillow's np.asarray) and colours as images, 8- and 4-bit", () => {
  for (const name of ["palette.png", "palette_4bit.png"]) {
    const r = decodeRaster(read(name), true);
    assert.deepEqual(Array.from(rasterToLabel(r, noRemap, ctx)), expected.index, name);
    const img = rasterToImage(decodeRaster(read(name)), 3).data;
    const pal = expected.palette as number[];
    assert.deepEqual(
      Array.from(img),
      expected.index.flatMap((k: number) => pal.slice(k * 3, k * 3 + 3)),
      name,
    );
  }
});

Deno.test("PNG: 1-bit images are 0/1 labels (Pillow's mode 1 as an array) and 0/255 images", () => {
  assert.deepEqual(
    Array.from(rasterToLabel(decodeRaster(read("bilevel.png"), true), noRemap, ctx)),
    expected.bits,
  );
  const img = rasterToImage(decodeRaster(read("bilevel.png")), 1).data;
  assert.deepEqual(Array.from(img), expected.bits.map((b: number) => b * 255));
});

Deno.test("JPEG: RGB and gray decode within 2 levels of libjpeg on average", () => {
  for (
    const [name, key, channels] of [["photo.jpg", "jpeg_rgb", 3], ["photo_gray.jpg", "jpeg_gray", 1]] as const
  ) {
    const r = decodeRaster(read(name));
    assert.deepEqual([r.width, r.height], [64, 48], name); // jpeg-js expands gray to RGB
    const got = rasterToImage(r, channels).data, want = expected[key] as number[];
    let sum = 0, max = 0;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(got[i] - want[i]);
      sum += d;
      max = Math.max(max, d);
    }
    assert.ok(sum / want.length < 2, `${name}: mean |Δ| ${sum / want.length}`);
    assert.ok(max <= 12, `${name}: max |Δ| ${max}`);
  }
});

Deno.test("corrupt and truncated PNG and JPEG bytes are errors that say so", () => {
  const p = read("rgb.png"), j = read("photo.jpg");
  assert.throws(() => decodeRaster(p.slice(0, p.length - 20)), /truncated/);
  assert.throws(() => decodeRaster(p.slice(0, 40)), /truncated/);
  const flipped = p.slice();
  flipped[60] ^= 0x5a; // inside IDAT: CRC or inflate fails
  assert.throws(() => decodeRaster(flipped), /corrupt/i);
  assert.throws(() => decodeRaster(j.slice(0, j.length - 300)), /JPEG/);
  assert.throws(() => decodeRaster(j.slice(0, j.length - 2)), /truncated JPEG|corrupt or truncated JPEG/);
  assert.throws(
    () => decodeRaster(new TextEncoder().encode("GIF89a....")),
    /not a PNG or JPEG file \(starts with 47 49 46/,
  );
  assert.throws(() => decodeRaster(new Uint8Array(0)), /empty file/);
});
