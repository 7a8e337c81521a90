/**
 * U-Net (Ronneberger et al., 2015), laid out as PaddleSeg's `paddleseg/models/unet.py`: an
 * encoder of double ConvBNReLU 3×3 with 2×2 max-pooling, a decoder that upsamples (bilinear to
 * the skip's size, or a 2×2 transposed convolution with `use_deconv`), concatenates the skip and
 * applies a double ConvBNReLU, and a 3×3 classifier. PaddleSeg's is `base_channels: 64`,
 * `depth: 4` (channels 64-128-256-512-512); both are seglab parameters, so a narrow, shallow
 * U-Net trains in seconds on a CPU.
 * @module
 */
import { tf } from "../core/tf.ts";
import type { LayerBuilder, Sym } from "./builder.ts";

/** U-Net's parameters (PaddleSeg's names, plus seglab's `base_channels` and `depth`). */
export interface UNetParams {
  num_classes: number;
  align_corners: boolean;
  use_deconv: boolean;
  /** seglab: channels of the first level (PaddleSeg: 64); level l has base·2^min(l, depth−1). */
  base_channels: number;
  /** seglab: number of down-samplings (PaddleSeg: 4). */
  depth: number;
}

/** Applies U-Net to `x`; returns the logits at input resolution. */
export function unet(b: LayerBuilder, x: Sym, p: UNetParams): Sym {
  const c = p.base_channels, d = p.depth;
  const ch = (l: number) => c * 2 ** Math.min(l, d - 1);
  const double = (y: Sym, name: string, filters: number) =>
    b.convBNReLU(b.convBNReLU(y, { name: `${name}.0`, filters, kernel: 3, bias: true }), {
      name: `${name}.1`,
      filters,
      kernel: 3,
      bias: true,
    });

  let y = double(x, "encode.double_conv", c);
  const skips: Sym[] = [];
  for (let l = 1; l <= d; l++) {
    skips.push(y);
    y = double(b.maxPool(y, `encode.down${l}.pool`), `encode.down${l}`, ch(l));
  }
  for (let i = 0; i < d; i++) {
    const skip = skips[d - 1 - i];
    const out = i < d - 1 ? ch(d - 2 - i) : c;
    const inCh = y.shape[3] as number;
    if (p.use_deconv) {
      const name = `decode.up${i}.deconv`;
      const std = Math.sqrt(2 / (2 * 2 * inCh));
      y = b.layer(tf.layers.conv2dTranspose({
        name,
        filters: Math.floor(out / 2),
        kernelSize: 2,
        strides: 2,
        padding: "valid",
        kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: std, seed: b.seedFor(name) }),
      })).apply(y) as Sym;
      y = b.resizeLike(y, skip, `decode.up${i}.fit`, p.align_corners);
    } else {
      y = b.resizeLike(y, skip, `decode.up${i}.resize`, p.align_corners);
    }
    y = double(b.concat([y, skip], `decode.up${i}.concat`), `decode.up${i}.double_conv`, out);
  }
  return b.conv(y, { name: "cls", filters: p.num_classes, kernel: 3 });
}
