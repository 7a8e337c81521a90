/**
 * Pillow's `ImageEnhance` (Brightness, Contrast, Color, Sharpness) and its HSV round trip on
 * 8-bit RGB or gray pixels, reproduced operation for operation (float32 blend with truncation,
 * the 16-bit fixed-point luma, the SMOOTH kernel with untouched borders), because PaddleSeg's
 * `RandomDistort` is defined by them.
 * @module
 */

const f32 = Math.fround;

/** `Image.blend(degenerate, im, factor)` in place into `im` (Pillow's `ImagingBlend`). */
function blend(degenerate: Uint8Array | number, im: Uint8Array, factor: number): void {
  const a = f32(factor);
  const interp = a >= 0 && a <= 1;
  const scalar = typeof degenerate === "number";
  for (let i = 0; i < im.length; i++) {
    const d = scalar ? (degenerate as number) : (degenerate as Uint8Array)[i];
    const t = f32(d + f32(a * (im[i] - d)));
    if (interp) im[i] = Math.trunc(t);
    else im[i] = t <= 0 ? 0 : t >= 255 ? 255 : Math.trunc(t);
  }
}

/** Pillow's RGB → L: `(r·19595 + g·38470 + b·7471 + 0x8000) >> 16`. */
export function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
}

/** `ImageEnhance.Brightness(im).enhance(f)`. */
export function enhanceBrightness(im: Uint8Array, f: number): void {
  blend(0, im, f);
}

/** `ImageEnhance.Contrast(im).enhance(f)`: blends with the mean luma (rounded) as a flat image. */
export function enhanceContrast(im: Uint8Array, channels: number, f: number): void {
  let sum = 0;
  const n = im.length / channels;
  for (let p = 0; p < n; p++) {
    sum += channels === 1 ? im[p] : luma(im[p * channels], im[p * channels + 1], im[p * channels + 2]);
  }
  const mean = Math.trunc(sum / n + 0.5);
  blend(mean, im, f);
}

/** `ImageEnhance.Color(im).enhance(f)` (saturation): blends with the gray version. */
export function enhanceColor(im: Uint8Array, channels: number, f: number): void {
  if (channels === 1) return; // L → L: the degenerate is the image itself
  const gray = new Uint8Array(im.length);
  for (let p = 0; p < im.length; p += 3) {
    gray[p] = gray[p + 1] = gray[p + 2] = luma(im[p], im[p + 1], im[p + 2]);
  }
  blend(gray, im, f);
}

/** `ImageEnhance.Sharpness(im).enhance(f)`: blends with `ImageFilter.SMOOTH` (borders kept). */
export function enhanceSharpness(
  im: Uint8Array,
  width: number,
  height: number,
  channels: number,
  f: number,
): void {
  const smooth = im.slice();
  const k = [1 / 13, 1 / 13, 1 / 13, 1 / 13, 5 / 13, 1 / 13, 1 / 13, 1 / 13, 1 / 13].map(f32);
  const c = channels;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      for (let ch = 0; ch < c; ch++) {
        // Pillow's ImagingFilter3x3: rows y+1, y, y−1, three products each, in float32.
        let s = 0;
        for (let r = 0; r < 3; r++) {
          const row = ((y + 1 - r) * width + x) * c + ch;
          const t = f32(
            f32(f32(im[row - c] * k[r * 3]) + f32(im[row] * k[r * 3 + 1])) + f32(im[row + c] * k[r * 3 + 2]),
          );
          s = f32(s + t);
        }
        smooth[(y * width + x) * c + ch] = s <= 0 ? 0 : s >= 255 ? 255 : Math.trunc(s + 0.5);
      }
    }
  }
  blend(smooth, im, f);
}

/** Pillow's RGB → HSV (all 0–255), in place. */
export function rgbToHsv(im: Uint8Array): void {
  for (let p = 0; p < im.length; p += 3) {
    const r = im[p], g = im[p + 1], b = im[p + 2];
    const maxc = Math.max(r, g, b), minc = Math.min(r, g, b);
    let uh = 0, us = 0;
    if (minc !== maxc) {
      const cr = f32(maxc - minc);
      const s = f32(cr / maxc);
      const rc = f32((maxc - r) / cr), gc = f32((maxc - g) / cr), bc = f32((maxc - b) / cr);
      let h: number;
      if (r === maxc) h = f32(bc - gc);
      else if (g === maxc) h = f32(2.0 + rc - bc);
      else h = f32(4.0 + gc - rc);
      h = f32((h / 6.0 + 1.0) % 1.0);
      uh = Math.min(255, Math.max(0, Math.trunc(h * 255.0)));
      us = Math.min(255, Math.max(0, Math.trunc(s * 255.0)));
    }
    im[p] = uh;
    im[p + 1] = us;
    im[p + 2] = maxc;
  }
}

const cRound = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x)); // half away from zero
const clip8 = (x: number) => (x <= 0 ? 0 : x >= 255 ? 255 : x);

/** Pillow's HSV → RGB, in place. */
export function hsvToRgb(im: Uint8Array): void {
  for (let p = 0; p < im.length; p += 3) {
    const h = im[p], s = im[p + 1], v = im[p + 2];
    if (s === 0) {
      im[p] = im[p + 1] = im[p + 2] = v;
      continue;
    }
    const i = Math.floor((h * 6.0) / 255.0);
    const f = f32((h * 6.0) / 255.0 - i);
    const fs = f32(s / 255.0);
    const pp = clip8(cRound(v * (1.0 - fs)));
    const q = clip8(cRound(v * (1.0 - fs * f)));
    const t = clip8(cRound(v * (1.0 - fs * (1.0 - f))));
    let r: number, g: number, b: number;
    switch (i % 6) {
      case 0:
        [r, g, b] = [v, t, pp];
        break;
      case 1:
        [r, g, b] = [q, v, pp];
        break;
      case 2:
        [r, g, b] = [pp, v, t];
        break;
      case 3:
        [r, g, b] = [pp, q, v];
        break;
      case 4:
        [r, g, b] = [t, pp, v];
        break;
      default:
        [r, g, b] = [v, pp, q];
    }
    im[p] = r;
    im[p + 1] = g;
    im[p + 2] = b;
  }
}

/**
 * PaddleSeg's `hue(im, delta)`: to HSV, `H ← uint8(H + delta)` (numpy's truncating, wrapping
 * cast), back to RGB.
 */
export function shiftHue(im: Uint8Array, delta: number): void {
  rgbToHsv(im);
  for (let p = 0; p < im.length; p += 3) im[p] = ((Math.trunc(im[p] + delta) % 256) + 256) % 256;
  hsvToRgb(im);
}
