/**
 * OCRNet (Yuan et al., "Object-Contextual Representations for Semantic Segmentation"), laid out
 * as PaddleSeg's `paddleseg/models/ocrnet.py` on a backbone feature (HRNet's 270 channels):
 *
 * - `aux_head`: ConvBNReLU 1×1 (C→C) → Conv 1×1 (→K): the soft object regions (auxiliary logits);
 * - `conv3x3_ocr`: ConvBNReLU 3×3 (C→mid): the pixel representations;
 * - SpatialGather: region representations = softmax-over-space(regions) · pixels;
 * - ObjectAttentionBlock: query = 2×ConvBNReLU 1×1 on pixels, key = 2×ConvBNReLU 1×1 and
 *   value = ConvBNReLU 1×1 on regions, softmax(q·kᵀ/√key) over regions, context → ConvBNReLU (→mid);
 * - SpatialOCRModule: concat[context, pixels] → ConvBNReLU 1×1 (→mid) → Dropout2D(0.1);
 * - `cls_head`: Conv 1×1 (→K): the main logits.
 *
 * Initialisation: the two classifiers (`cls_head`, `aux_head.1`) start from Normal(0, 0.001), as in
 * PaddleSeg, so the first logits are near zero. PaddleSeg initialises the head's other
 * convolutions (and HRNet's) from Normal(0, 0.001) too, which is harmless there — the backbone
 * loads ImageNet weights and runs for 15k+ iterations — but from scratch in a short run the batch
 * norms' moving variance (momentum 0.9, starting at 1) lags far behind such tiny activations, and
 * evaluation collapses to one class for hundreds of iterations. seglab gives every convolution
 * followed by batch norm Paddle's default He-normal initialisation instead; batch norms start at
 * scale 1, shift 0. Both logits are upsampled bilinearly to the input size; training gives
 * `[main, aux]` (PaddleSeg's order, so `loss.types[0]` applies to the main logits), evaluation
 * gives `[main]`.
 * @module
 */
import type { LayerBuilder, Sym } from "./builder.ts";
import { SpatialGather } from "./layers/spatial_gather.ts";
import { ObjectAttention } from "./layers/object_attention.ts";
import { SpatialDropout } from "./layers/spatial_dropout.ts";

/** OCRNet's own parameters (PaddleSeg's names). */
export interface OCRHeadParams {
  num_classes: number;
  ocr_mid_channels: number;
  ocr_key_channels: number;
  /** seglab: the Dropout2D rate of the SpatialOCRModule (PaddleSeg: 0.1). */
  dropout_rate: number;
}

/** PaddleSeg's initialisation of the classifiers. */
const CLASSIFIER_INIT = { std: 0.001 };

/**
 * Applies the OCR head to a backbone feature; returns `{ logit, softRegions }` at feature
 * resolution. The head is four recomputation blocks (`layers/recompute.ts`): the soft object
 * regions, the pixel representations, the object context, and the classifier.
 */
export function ocrHead(
  b: LayerBuilder,
  feat: Sym,
  p: OCRHeadParams,
  name = "head",
): { logit: Sym; softRegions: Sym } {
  const inCh = feat.shape[feat.shape.length - 1] as number;
  const k = p.num_classes, mid = p.ocr_mid_channels, key = p.ocr_key_channels;
  const cbr = (x: Sym, n: string, filters: number, kernel = 1) =>
    b.convBNReLU(x, { name: `${name}.${n}`, filters, kernel, bias: true });

  const [softRegions] = b.block(`${name}.aux`, [feat], ([f]) => [
    b.conv(cbr(f, "aux_head.0", inCh), {
      name: `${name}.aux_head.1`,
      filters: k,
      kernel: 1,
      init: CLASSIFIER_INIT,
    }),
  ]);
  const [pixels] = b.block(`${name}.pixels`, [feat], ([f]) => [cbr(f, "conv3x3_ocr", mid, 3)]);
  const [context] = b.block(`${name}.context`, [pixels, softRegions], ([px, regions]) => {
    const objects = b.layer(new SpatialGather({ name: `${name}.spatial_gather` })).apply([
      px,
      regions,
    ]) as Sym;
    const query = cbr(cbr(px, "ocr.attention.f_pixel.0", key), "ocr.attention.f_pixel.1", key);
    const keys = cbr(cbr(objects, "ocr.attention.f_object.0", key), "ocr.attention.f_object.1", key);
    const value = cbr(objects, "ocr.attention.f_down", key);
    const attended = b.layer(new ObjectAttention({ name: `${name}.ocr.attention.core` })).apply([
      query,
      keys,
      value,
    ]) as Sym;
    return [cbr(attended, "ocr.attention.f_up", mid)];
  });
  const [logit] = b.block(`${name}.cls`, [context, pixels], ([ctx, px]) => {
    let ocr = cbr(b.concat([ctx, px], `${name}.ocr.concat`), "ocr.conv1x1", mid);
    if (p.dropout_rate > 0) {
      ocr = b.layer(new SpatialDropout({ rate: p.dropout_rate, name: `${name}.ocr.dropout` })).apply(
        ocr,
      ) as Sym;
    }
    return [b.conv(ocr, { name: `${name}.cls_head`, filters: k, kernel: 1, init: CLASSIFIER_INIT })];
  });
  return { logit, softRegions };
}
