/**
 * A tiny raster canvas for the synthetic data generators: float RGB pixels with a label map,
 * smooth value noise, antialiased thick curves, rectangles and blobs. Deterministic: every
 * random choice comes from a seeded stream.
 * @module
 */
import type { Rng } from "../rng.ts";

/** RGB pixels (0–255 floats) and a label map being painted. */
export interface Canvas {
  width: number;
  height: number;
  rgb: Float32Array;
  label: Uint8Array;
}

/** A blank canvas (black, label 0). */
export function newCanvas(width: number, height: number): Canvas {
  return { width, height, rgb: new Float32Array(width * height * 3), label: new Uint8Array(width * height) };
}

/** Smooth value noise in [0, 1): bilinear interpolation of a random lattice with `cell`-pixel cells. */
export function valueNoise(rng: Rng, width: number, height: number, cell: number): Float32Array {
  const gw = Math.ceil(width / cell) + 2, gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh).map(() => rng.next());
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = y / cell, y0 = Math.floor(fy), ty = fy - y0, sy = ty * ty * (3 - 2 * ty);
    for (let x = 0; x < width; x++) {
      const fx = x / cell, x0 = Math.floor(fx), tx = fx - x0, sx = tx * tx * (3 - 2 * tx);
      const a = grid[y0 * gw + x0],
        b = grid[y0 * gw + x0 + 1],
        c = grid[(y0 + 1) * gw + x0],
        d = grid[(y0 + 1) * gw + x0 + 1];
      out[y * width + x] = (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
    }
  }
  return out;
}

/** Blends `color` into pixel p with weight `a`. */
export function blendPixel(cv: Canvas, p: number, color: readonly number[], a: number): void {
  for (let k = 0; k < 3; k++) cv.rgb[p * 3 + k] = cv.rgb[p * 3 + k] * (1 - a) + color[k] * a;
}

/** Distance from every pixel to a polyline (Infinity beyond `reach`). */
export function polylineDistance(cv: Canvas, pts: [number, number][], reach: number): Float32Array {
  const d = new Float32Array(cv.width * cv.height).fill(Infinity);
  for (let i = 0; i + 1 < pts.length; i++) {
    const [ax, ay] = pts[i], [bx, by] = pts[i + 1];
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach)),
      x1 = Math.min(cv.width - 1, Math.ceil(Math.max(ax, bx) + reach));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - reach)),
      y1 = Math.min(cv.height - 1, Math.ceil(Math.max(ay, by) + reach));
    const vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy || 1;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5, py = y + 0.5;
        const t = Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2));
        const dx = px - (ax + t * vx), dy = py - (ay + t * vy);
        const dist = Math.sqrt(dx * dx + dy * dy);
        const p = y * cv.width + x;
        if (dist < d[p]) d[p] = dist;
      }
    }
  }
  return d;
}

/** A smooth random curve across the canvas: a heading that drifts, from one edge inwards. */
export function wanderingCurve(
  rng: Rng,
  w: number,
  h: number,
  steps: number,
  stepLen: number,
  curl: number,
): [number, number][] {
  const side = rng.int(4);
  let x: number, y: number, a: number;
  if (side === 0) [x, y, a] = [-4, rng.uniform(0.1, 0.9) * h, rng.uniform(-0.6, 0.6)];
  else if (side === 1) [x, y, a] = [w + 4, rng.uniform(0.1, 0.9) * h, Math.PI + rng.uniform(-0.6, 0.6)];
  else if (side === 2) [x, y, a] = [rng.uniform(0.1, 0.9) * w, -4, Math.PI / 2 + rng.uniform(-0.6, 0.6)];
  else [x, y, a] = [rng.uniform(0.1, 0.9) * w, h + 4, -Math.PI / 2 + rng.uniform(-0.6, 0.6)];
  const pts: [number, number][] = [[x, y]];
  let da = 0;
  for (let i = 0; i < steps; i++) {
    da = 0.8 * da + rng.uniform(-curl, curl);
    a += da;
    x += Math.cos(a) * stepLen;
    y += Math.sin(a) * stepLen;
    pts.push([x, y]);
    if (x < -8 || x > w + 8 || y < -8 || y > h + 8) break;
  }
  return pts;
}

/** Clamps and rounds float RGB to bytes (RGBA when `alpha`). */
export function toBytes(cv: Canvas, alpha = false): Uint8Array {
  const n = cv.width * cv.height, c = alpha ? 4 : 3;
  const out = new Uint8Array(n * c);
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < 3; k++) out[p * c + k] = Math.max(0, Math.min(255, Math.round(cv.rgb[p * 3 + k])));
    if (alpha) out[p * c + 3] = 255;
  }
  return out;
}
