/**
 * `paddleName(seglabWeight)`: the PaddleSeg 2.x `state_dict()` key of one of seglab's weights,
 * and the layout change between them. seglab names its layers after PaddleSeg's structure but
 * shorter (`backbone.st3.1.b0.2.conv1`); PaddleSeg's keys spell out its attribute and
 * `add_sublayer` names (`backbone.st3.stage_st3_2.branches_func.bb_st3_2_branch_layer_1_3.conv1`).
 *
 * | seglab | PaddleSeg |
 * |---|---|
 * | `<x>.conv/kernel` `[kh,kw,in,out]`, `/bias` | `<x>._conv.weight` `[out,in,kh,kw]`, `.bias` |
 * | `<x>.bn/gamma`, `beta`, `moving_mean`, `moving_variance` | `<x>._batch_norm.weight`, `bias`, `_mean`, `_variance` |
 * | `<conv>/kernel` (a bare Conv2D: classifiers) | `<conv>.weight` |
 * | `<deconv>/kernel` `[kh,kw,out,in]` | `<deconv>.weight` `[in,out,kh,kw]` |
 * | `<se>.squeeze/kernel` `[in,out]` | `<se>.squeeze.weight` `[in,out]` (Paddle's Linear) |
 * | `backbone.conv1`, `conv2` | `backbone.conv_layer1_1`, `conv_layer1_2` |
 * | `backbone.layer1.<i>.down` | `backbone.la1.bb_layer2_<i+1>.conv_down` |
 * | `backbone.tr<t>.<i>` | `backbone.tr<t>.transition_tr<t>_layer_<i+1>` |
 * | `backbone.st<s>.<m>.b<i>.<k>` | `backbone.st<s>.stage_st<s>_<m+1>.branches_func.bb_st<s>_<m+1>_branch_layer_<i+1>_<k+1>` |
 * | `backbone.st<s>.<m>.fuse.<i>.<j>[.<k>]` | `….fuse_func.residual_st<s>_<m+1>_layer_<i+1>_<j+1>[_<k+1>]` |
 * | `head.ocr.attention.*` | `head.spatial_ocr.attention_block.*` |
 * | `head.ocr.conv1x1` | `head.spatial_ocr.conv1x1.0` |
 * | `encode.down<l>.<n>` | `encode.down_sample_list.<l-1>.<n+1>` (index 0 is the max-pool) |
 * | `decode.up<i>.*` | `decode.up_sample_list.<i>.*` |
 *
 * Everything else keeps its path (`head.aux_head.0`, `head.conv3x3_ocr`, `head.cls_head`,
 * `encode.double_conv.0`, `cls`).
 * @module
 */

/** How a weight's values are laid out in PaddleSeg relative to seglab. */
export type Layout =
  /** seglab `[kh,kw,in,out]` ↔ Paddle `[out,in,kh,kw]` (or, for a transposed conv, `[kh,kw,out,in]` ↔ `[in,out,kh,kw]`). */
  | "conv"
  /** Same values in the same order (vectors, Linear weights). */
  | "same";

/** seglab's weight suffix → PaddleSeg's parameter name, per kind of layer. */
const BN_PARAMS: Record<string, string> = {
  gamma: "weight",
  beta: "bias",
  moving_mean: "_mean",
  moving_variance: "_variance",
};

function layerPath(p: string): string {
  let m: RegExpMatchArray | null;
  if ((m = p.match(/^backbone\.conv([12])$/))) return `backbone.conv_layer1_${m[1]}`;
  if ((m = p.match(/^backbone\.layer1\.(\d+)\.(conv1|conv2|conv3|down|se)(\..*)?$/))) {
    const part = m[2] === "down" ? "conv_down" : m[2];
    return `backbone.la1.bb_layer2_${+m[1] + 1}.${part}${m[3] ?? ""}`;
  }
  if ((m = p.match(/^backbone\.tr(\d)\.(\d+)$/))) {
    return `backbone.tr${m[1]}.transition_tr${m[1]}_layer_${+m[2] + 1}`;
  }
  if ((m = p.match(/^backbone\.st(\d)\.(\d+)\.b(\d+)\.(\d+)\.(.*)$/))) {
    const [, s, mod, i, k, rest] = m;
    const st = `st${s}_${+mod + 1}`;
    return `backbone.st${s}.stage_${st}.branches_func.bb_${st}_branch_layer_${+i + 1}_${+k + 1}.${rest}`;
  }
  if ((m = p.match(/^backbone\.st(\d)\.(\d+)\.fuse\.(\d+)\.(\d+)(?:\.(\d+))?$/))) {
    const [, s, mod, i, j, k] = m;
    const st = `st${s}_${+mod + 1}`;
    return `backbone.st${s}.stage_${st}.fuse_func.residual_${st}_layer_${+i + 1}_${+j + 1}${
      k === undefined ? "" : `_${+k + 1}`
    }`;
  }
  if ((m = p.match(/^head\.ocr\.attention\.(.*)$/))) return `head.spatial_ocr.attention_block.${m[1]}`;
  if (p === "head.ocr.conv1x1") return "head.spatial_ocr.conv1x1.0";
  if ((m = p.match(/^encode\.down(\d+)\.(\d+)$/))) return `encode.down_sample_list.${+m[1] - 1}.${+m[2] + 1}`;
  if ((m = p.match(/^decode\.up(\d+)\.(.*)$/))) return `decode.up_sample_list.${m[1]}.${m[2]}`;
  return p;
}

/**
 * PaddleSeg's key for a seglab weight name (`layer/param`), with the layout change; `rank` is
 * the weight's rank (4 for convolution kernels). Throws for a name outside the mapping.
 */
export function paddleName(seglabName: string, rank: number): { name: string; layout: Layout } {
  const slash = seglabName.lastIndexOf("/");
  if (slash < 0) throw new Error(`paddleName: "${seglabName}" is not a layer/weight name`);
  const layer = seglabName.slice(0, slash), param = seglabName.slice(slash + 1);
  const layout: Layout = rank === 4 ? "conv" : "same";
  if (layer.endsWith(".bn")) {
    const p = BN_PARAMS[param];
    if (!p) throw new Error(`paddleName: unknown batch-norm weight "${seglabName}"`);
    return { name: `${layerPath(layer.slice(0, -3))}._batch_norm.${p}`, layout };
  }
  const p = param === "kernel" ? "weight" : param === "bias" ? "bias" : null;
  if (!p) throw new Error(`paddleName: unknown weight "${seglabName}"`);
  if (layer.endsWith(".conv")) return { name: `${layerPath(layer.slice(0, -5))}._conv.${p}`, layout };
  return { name: `${layerPath(layer)}.${p}`, layout };
}

/** The permutation taking a seglab kernel `[kh,kw,a,b]` to PaddleSeg's `[b,a,kh,kw]`, and back. */
export const TO_PADDLE = [3, 2, 0, 1];
export const FROM_PADDLE = [2, 3, 1, 0];
