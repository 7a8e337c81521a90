/**
 * Images for notebooks: RGB(A) pixels, label masks coloured by a palette, masks overlaid on
 * images, and grids of them — each a {@linkcode PngImage} that displays as `image/png` and saves
 * to disk. Pure JavaScript PNG encoding (fast-png): no canvas, no native code.
 *
 * @example
 * ```ts
 * import { imageGrid, maskImage, overlayImage } from "seglab";
 * const m = maskImage(labels, { width: 64, height: 64, palette: [[0, 0, 0], [255, 255, 255]] });
 * const o = overlayImage(rgb, labels, { width: 64, height: 64, alpha: 0.5 });
 * imageGrid([m, o], { columns: 2, titles: ["label", "overlay"] });
 * ```
 * @module
 */
import { encode } from "fast-png";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { toBase64 } from "../core/base64.ts";
import { escapeHtml } from "../core/escape.ts";
import { writeFileAtomic } from "../core/runtime.ts";
import { defaultPalette, type RGB } from "../core/palette.ts";

/** An RGBA image that displays as PNG. */
export interface PngImage {
  readonly width: number;
  readonly height: number;
  /** RGBA pixels, row-major. */
  readonly rgba: Uint8Array;
  readonly title?: string;
  /** PNG bytes. */
  png(): Uint8Array;
  /** Writes a PNG file atomically. */
  save(path: string): Promise<void>;
  [DISPLAY](): MimeBundle;
}

/** Wraps RGBA pixels as a {@linkcode PngImage}. */
export function pngImage(rgba: Uint8Array, width: number, height: number, title?: string): PngImage {
  if (rgba.length !== width * height * 4) {
    throw new Error(
      `pngImage: ${rgba.length} bytes do not make a ${width}×${height} RGBA image (${width * height * 4})`,
    );
  }
  let bytes: Uint8Array | null = null;
  const png = () => (bytes ??= encode({ width, height, data: rgba, channels: 4, depth: 8 }));
  return {
    width,
    height,
    rgba,
    title,
    png,
    save: (path: string) => writeFileAtomic(path, png()),
    [DISPLAY](): MimeBundle {
      const text = `[image ${width}×${height}${title ? `: ${title}` : ""}]`;
      return { "image/png": toBase64(png()), "text/plain": text };
    },
  };
}

/** Options describing pixel data. */
export interface PixelOptions {
  width: number;
  height: number;
  /** Channels per pixel (1 gray, 3 RGB, 4 RGBA). Default: inferred from the length. */
  channels?: number;
  title?: string;
}

function toByte(v: number, float: boolean, lo: number, hi: number): number {
  const x = float ? ((v - lo) / (hi - lo || 1)) * 255 : v;
  return x < 0 ? 0 : x > 255 ? 255 : Math.round(x);
}

/**
 * An image from pixel values: bytes as they are; floats are stretched from their min..max
 * (so normalised network inputs display).
 */
export function rgbImage(data: ArrayLike<number>, opts: PixelOptions): PngImage {
  const { width, height } = opts;
  const channels = opts.channels ?? data.length / (width * height);
  if (![1, 3, 4].includes(channels) || data.length !== width * height * channels) {
    throw new Error(
      `rgbImage: ${data.length} values do not make a ${width}×${height} image with 1, 3 or 4 channels`,
    );
  }
  const float = !(data instanceof Uint8Array || data instanceof Uint8ClampedArray);
  let lo = 0, hi = 255;
  if (float) {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      if (data[i] < lo) lo = data[i];
      if (data[i] > hi) hi = data[i];
    }
  }
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) {
      out[p * 4 + k] = toByte(data[p * channels + (channels === 1 ? 0 : k)], float, lo, hi);
    }
    out[p * 4 + 3] = channels === 4 ? toByte(data[p * 4 + 3], float, lo, hi) : 255;
  }
  return pngImage(out, width, height, opts.title);
}

/** Options of {@linkcode maskImage} and {@linkcode overlayImage}. */
export interface MaskOptions {
  width: number;
  height: number;
  /** Colours per class id (default: VOC palette). */
  palette?: RGB[];
  ignoreIndex?: number;
  /** Colour of ignored pixels. Default mid grey. */
  ignoreColor?: RGB;
  title?: string;
}

function colourOf(palette: RGB[] | undefined, k: number): RGB {
  const p = palette ?? defaultPalette(256);
  return p[k] ?? defaultPalette(k + 1)[k];
}

/** A label mask coloured by class. */
export function maskImage(labels: ArrayLike<number>, opts: MaskOptions): PngImage {
  const { width, height } = opts, ignore = opts.ignoreIndex ?? 255, ig = opts.ignoreColor ?? [128, 128, 128];
  if (labels.length !== width * height) {
    throw new Error(`maskImage: ${labels.length} labels for a ${width}×${height} mask (${width * height})`);
  }
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const c = labels[p] === ignore ? ig : colourOf(opts.palette, labels[p]);
    out.set(c, p * 4);
    out[p * 4 + 3] = 255;
  }
  return pngImage(out, width, height, opts.title);
}

/**
 * A mask blended over an image: class colours at `alpha` (default 0.5) over the image; classes
 * in `skip` (default `[0]`, background) and ignored pixels leave the image as it is.
 */
export function overlayImage(
  image: ArrayLike<number> | PngImage,
  labels: ArrayLike<number>,
  opts: MaskOptions & { alpha?: number; skip?: number[]; channels?: number },
): PngImage {
  const { width, height } = opts, alpha = opts.alpha ?? 0.5, ignore = opts.ignoreIndex ?? 255;
  const skip = new Set(opts.skip ?? [0]);
  const base = "rgba" in (image as PngImage)
    ? (image as PngImage)
    : rgbImage(image as ArrayLike<number>, { width, height, channels: opts.channels });
  if (base.width !== width || base.height !== height) {
    throw new Error(`overlayImage: image is ${base.width}×${base.height} but the mask is ${width}×${height}`);
  }
  const out = Uint8Array.from(base.rgba);
  for (let p = 0; p < width * height; p++) {
    const k = labels[p];
    if (k === ignore || skip.has(k)) continue;
    const c = colourOf(opts.palette, k);
    for (let j = 0; j < 3; j++) out[p * 4 + j] = Math.round((1 - alpha) * out[p * 4 + j] + alpha * c[j]);
  }
  return pngImage(out, width, height, opts.title);
}

/** Options of {@linkcode imageGrid}. */
export interface GridOptions {
  /** Images per row. Default: all in one row, up to 4. */
  columns?: number;
  /** Pixels between images. Default 4. */
  gap?: number;
  /** Titles per image (also shown in the HTML form). */
  titles?: string[];
  /** Scale each image by this integer factor (nearest neighbour). Default 1. */
  zoom?: number;
}

/** Images laid out in a grid on white; displays as one PNG (and an HTML table with titles). */
export function imageGrid(images: PngImage[], opts: GridOptions = {}): PngImage {
  if (images.length === 0) throw new Error("imageGrid: no images");
  const zoom = Math.max(1, Math.floor(opts.zoom ?? 1)), gap = opts.gap ?? 4;
  const cols = Math.max(1, opts.columns ?? Math.min(images.length, 4));
  const rows = Math.ceil(images.length / cols);
  const cw = Math.max(...images.map((i) => i.width)) * zoom,
    ch = Math.max(...images.map((i) => i.height)) * zoom;
  const W = cols * cw + (cols - 1) * gap, H = rows * ch + (rows - 1) * gap;
  const out = new Uint8Array(W * H * 4).fill(255);
  images.forEach((img, n) => {
    const ox = (n % cols) * (cw + gap), oy = Math.floor(n / cols) * (ch + gap);
    for (let y = 0; y < img.height * zoom; y++) {
      for (let x = 0; x < img.width * zoom; x++) {
        const s = (Math.floor(y / zoom) * img.width + Math.floor(x / zoom)) * 4;
        out.set(img.rgba.subarray(s, s + 4), ((oy + y) * W + ox + x) * 4);
      }
    }
  });
  const titles = opts.titles ?? images.map((i) => i.title ?? "");
  const grid = pngImage(out, W, H, titles.filter(Boolean).join(" | ") || undefined);
  const plain = grid[DISPLAY];
  return {
    ...grid,
    [DISPLAY](): MimeBundle {
      const b = plain.call(grid);
      if (!titles.some(Boolean)) return b;
      // Inline blocks, not a table: front ends stripe table rows (JupyterLab greys every other one).
      const cells = images.map((img, n) =>
        `<span style="display:inline-block;margin:0 4px 4px 0;text-align:center;vertical-align:top">` +
        `<img src="data:image/png;base64,${toBase64(img.png())}" width="${img.width * zoom}" ` +
        `style="image-rendering:pixelated;display:block"/><small>${
          escapeHtml(titles[n] ?? "")
        }</small></span>`
      );
      const lines = Array.from({ length: rows }, (_, r) => cells.slice(r * cols, (r + 1) * cols).join(""));
      return { ...b, "text/html": `<div class="seglab-image-grid">${lines.join("<br/>")}</div>` };
    },
  };
}
