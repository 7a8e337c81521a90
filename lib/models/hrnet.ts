/**
 * HRNet (Wang et al., "Deep High-Resolution Representation Learning for Visual Recognition"),
 * laid out as PaddleSeg's `paddleseg/models/backbones/hrnet.py`: a stem of two stride-2 3×3
 * ConvBNReLU (→ 1/4 resolution), stage 1 of Bottleneck blocks (×4 expansion), then stages 2–4
 * of high-resolution modules whose parallel branches (1/4, 1/8, 1/16, 1/32) run BasicBlocks
 * and exchange information in fuse layers (strided 3×3 ConvBN down, 1×1 ConvBN + bilinear up,
 * sum, ReLU). The output is the concatenation of all branches upsampled to 1/4 resolution:
 * 18 + 36 + 72 + 144 = 270 channels for HRNet-W18.
 *
 * Presets are PaddleSeg's (`HRNET_PRESETS`): HRNet_W18_Small_V1, HRNet_W18_Small_V2, HRNet_W18,
 * HRNet_W30 … HRNet_W64. Every HRNet parameter of PaddleSeg can be given; `stem_channels`
 * (default 64) is a seglab addition for tiny CPU models.
 * @module
 */
import { tf } from "../core/tf.ts";
import type { LayerBuilder, Sym } from "./builder.ts";

/** HRNet's parameters (PaddleSeg's names). */
export interface HRNetParams {
  stage1_num_modules: number;
  stage1_num_blocks: number[];
  stage1_num_channels: number[];
  stage2_num_modules: number;
  stage2_num_blocks: number[];
  stage2_num_channels: number[];
  stage3_num_modules: number;
  stage3_num_blocks: number[];
  stage3_num_channels: number[];
  stage4_num_modules: number;
  stage4_num_blocks: number[];
  stage4_num_channels: number[];
  has_se: boolean;
  align_corners: boolean;
  /** seglab: channels of the two stem convolutions (PaddleSeg: 64). */
  stem_channels: number;
}

const W = (c: number): Partial<HRNetParams> => ({
  stage1_num_modules: 1,
  stage1_num_blocks: [4],
  stage1_num_channels: [64],
  stage2_num_modules: 1,
  stage2_num_blocks: [4, 4],
  stage2_num_channels: [c, 2 * c],
  stage3_num_modules: 4,
  stage3_num_blocks: [4, 4, 4],
  stage3_num_channels: [c, 2 * c, 4 * c],
  stage4_num_modules: 3,
  stage4_num_blocks: [4, 4, 4, 4],
  stage4_num_channels: [c, 2 * c, 4 * c, 8 * c],
});

/** PaddleSeg's defaults of `HRNet(...)` (which are HRNet-W18's). */
export const HRNET_DEFAULTS: HRNetParams = {
  ...(W(18) as HRNetParams),
  has_se: false,
  align_corners: false,
  stem_channels: 64,
};

/** The named backbones PaddleSeg registers, as parameter overrides. */
export const HRNET_PRESETS: Readonly<Record<string, Partial<HRNetParams>>> = {
  HRNet: {},
  HRNet_W18_Small_V1: {
    stage1_num_modules: 1,
    stage1_num_blocks: [1],
    stage1_num_channels: [32],
    stage2_num_modules: 1,
    stage2_num_blocks: [2, 2],
    stage2_num_channels: [16, 32],
    stage3_num_modules: 1,
    stage3_num_blocks: [2, 2, 2],
    stage3_num_channels: [16, 32, 64],
    stage4_num_modules: 1,
    stage4_num_blocks: [2, 2, 2, 2],
    stage4_num_channels: [16, 32, 64, 128],
  },
  HRNet_W18_Small_V2: {
    stage1_num_modules: 1,
    stage1_num_blocks: [2],
    stage1_num_channels: [64],
    stage2_num_modules: 1,
    stage2_num_blocks: [2, 2],
    stage2_num_channels: [18, 36],
    stage3_num_modules: 3,
    stage3_num_blocks: [2, 2, 2],
    stage3_num_channels: [18, 36, 72],
    stage4_num_modules: 2,
    stage4_num_blocks: [2, 2, 2, 2],
    stage4_num_channels: [18, 36, 72, 144],
  },
  HRNet_W18: W(18),
  HRNet_W30: W(30),
  HRNet_W32: W(32),
  HRNet_W40: W(40),
  HRNet_W44: W(44),
  HRNet_W48: W(48),
  HRNet_W60: W(60),
  HRNet_W64: W(64),
};

/** Squeeze-and-excitation (PaddleSeg's SELayer, reduction 16), used when `has_se`. */
function se(b: LayerBuilder, x: Sym, channels: number, name: string): Sym {
  const mid = Math.max(1, Math.floor(channels / 16));
  const uni = (fan: number, n: string) =>
    tf.initializers.randomUniform({
      minval: -1 / Math.sqrt(fan),
      maxval: 1 / Math.sqrt(fan),
      seed: b.seedFor(n),
    });
  let s = b.layer(tf.layers.globalAveragePooling2d({ name: `${name}.pool` })).apply(x) as Sym;
  s = b.layer(
    tf.layers.dense({
      name: `${name}.squeeze`,
      units: mid,
      activation: "relu",
      kernelInitializer: uni(channels, `${name}.squeeze`),
    }),
  )
    .apply(s) as Sym;
  s = b.layer(
    tf.layers.dense({
      name: `${name}.excitation`,
      units: channels,
      activation: "sigmoid",
      kernelInitializer: uni(mid, `${name}.excitation`),
    }),
  )
    .apply(s) as Sym;
  s = b.layer(tf.layers.reshape({ name: `${name}.reshape`, targetShape: [1, 1, channels] })).apply(s) as Sym;
  return b.layer(tf.layers.multiply({ name: `${name}.scale` })).apply([x, s]) as Sym;
}

function bottleneck(
  b: LayerBuilder,
  x: Sym,
  filters: number,
  downsample: boolean,
  hasSe: boolean,
  name: string,
): Sym {
  let y = b.convBNReLU(x, { name: `${name}.conv1`, filters, kernel: 1 });
  y = b.convBNReLU(y, { name: `${name}.conv2`, filters, kernel: 3 });
  y = b.convBN(y, { name: `${name}.conv3`, filters: filters * 4, kernel: 1 });
  const residual = downsample ? b.convBN(x, { name: `${name}.down`, filters: filters * 4, kernel: 1 }) : x;
  if (hasSe) y = se(b, y, filters * 4, `${name}.se`);
  return b.relu(b.add([y, residual], `${name}.add`), `${name}.relu`);
}

function basicBlock(b: LayerBuilder, x: Sym, filters: number, hasSe: boolean, name: string): Sym {
  let y = b.convBNReLU(x, { name: `${name}.conv1`, filters, kernel: 3 });
  y = b.convBN(y, { name: `${name}.conv2`, filters, kernel: 3 });
  if (hasSe) y = se(b, y, filters, `${name}.se`);
  // PaddleSeg's BasicBlock never downsamples inside HRNet: a branch's first block keeps its width.
  return b.relu(b.add([y, x], `${name}.add`), `${name}.relu`);
}

function transition(b: LayerBuilder, xs: Sym[], inCh: number[], outCh: number[], name: string): Sym[] {
  return outCh.map((c, i) => {
    if (i < inCh.length) {
      return inCh[i] === c ? xs[i] : b.convBNReLU(xs[i], { name: `${name}.${i}`, filters: c, kernel: 3 });
    }
    return b.convBNReLU(xs[xs.length - 1], { name: `${name}.${i}`, filters: c, kernel: 3, stride: 2 });
  });
}

function fuse(b: LayerBuilder, xs: Sym[], ch: number[], alignCorners: boolean, name: string): Sym[] {
  return xs.map((xi, i) => {
    const parts: Sym[] = [xi];
    xs.forEach((xj, j) => {
      if (j > i) {
        const y = b.convBN(xj, { name: `${name}.${i}.${j}`, filters: ch[i], kernel: 1 });
        parts.push(b.resizeLike(y, xi, `${name}.${i}.${j}.up`, alignCorners));
      } else if (j < i) {
        let y = xj;
        for (let k = 0; k < i - j; k++) {
          const last = k === i - j - 1;
          const o = { name: `${name}.${i}.${j}.${k}`, filters: last ? ch[i] : ch[j], kernel: 3, stride: 2 };
          y = last ? b.convBN(y, o) : b.convBNReLU(y, o);
        }
        parts.push(y);
      }
    });
    return b.relu(b.add(parts, `${name}.${i}.add`), `${name}.${i}.relu`);
  });
}

function stage(
  b: LayerBuilder,
  xs: Sym[],
  p: { modules: number; blocks: number[]; channels: number[] },
  hasSe: boolean,
  alignCorners: boolean,
  name: string,
): Sym[] {
  let out = xs;
  for (let m = 0; m < p.modules; m++) {
    const branches = out.map((x, i) => {
      let y = x;
      for (let k = 0; k < p.blocks[i]; k++) {
        y = basicBlock(b, y, p.channels[i], hasSe, `${name}.${m}.b${i}.${k}`);
      }
      return y;
    });
    out = fuse(b, branches, p.channels, alignCorners, `${name}.${m}.fuse`);
  }
  return out;
}

/**
 * Applies HRNet to `x` with layers named under `name` (default "backbone"). Returns the
 * 1/4-resolution feature with `sum(stage4_num_channels)` channels.
 */
export function hrnet(
  b: LayerBuilder,
  x: Sym,
  p: HRNetParams,
  name = "backbone",
): { feature: Sym; channels: number } {
  const st = (k: 2 | 3 | 4) => ({
    modules: p[`stage${k}_num_modules`],
    blocks: p[`stage${k}_num_blocks`],
    channels: p[`stage${k}_num_channels`],
  });
  let y = b.convBNReLU(x, { name: `${name}.conv1`, filters: p.stem_channels, kernel: 3, stride: 2 });
  y = b.convBNReLU(y, { name: `${name}.conv2`, filters: p.stem_channels, kernel: 3, stride: 2 });
  // Stage 1 (PaddleSeg's Layer1): one run of Bottleneck blocks; like PaddleSeg, stage1_num_modules is not used.
  const f1 = p.stage1_num_channels[0];
  for (let i = 0; i < p.stage1_num_blocks[0]; i++) {
    y = bottleneck(b, y, f1, i === 0, p.has_se, `${name}.layer1.${i}`);
  }
  let xs = transition(b, [y], [f1 * 4], p.stage2_num_channels, `${name}.tr1`);
  xs = stage(b, xs, st(2), p.has_se, p.align_corners, `${name}.st2`);
  xs = transition(b, xs, p.stage2_num_channels, p.stage3_num_channels, `${name}.tr2`);
  xs = stage(b, xs, st(3), p.has_se, p.align_corners, `${name}.st3`);
  xs = transition(b, xs, p.stage3_num_channels, p.stage4_num_channels, `${name}.tr3`);
  xs = stage(b, xs, st(4), p.has_se, p.align_corners, `${name}.st4`);
  const ups = xs.map((xi, i) => (i === 0 ? xi : b.resizeLike(xi, xs[0], `${name}.up${i}`, p.align_corners)));
  const channels = p.stage4_num_channels.reduce((a, c) => a + c, 0);
  return { feature: b.concat(ups, `${name}.concat`), channels };
}
