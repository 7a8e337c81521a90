/**
 * Tiny OCRNet-HRNet configs for tests: PaddleSeg's structure (four stages, OCR head, main and
 * auxiliary outputs) at widths that train in well under a second per step on 2 cores. Add
 * `num_classes` (or let a data set give it, as PaddleSeg's configs do).
 */

/** The smallest: stage widths up to 8. */
export const OCR_TINY = {
  type: "OCRNet",
  backbone: {
    type: "HRNet_W18_Small_V1",
    stem_channels: 8,
    stage1_num_channels: [4],
    stage2_num_channels: [4, 8],
    stage3_num_channels: [4, 8, 8],
    stage4_num_channels: [4, 8, 8, 8],
  },
  ocr_mid_channels: 8,
  ocr_key_channels: 4,
};

/**
 * Every branch a different width (up to 16) and dropout on, for activation recomputation: a
 * recomputed block must replay the dropout mask and keep the branches apart.
 */
export const OCR_TINY_DROPOUT = {
  type: "OCRNet",
  backbone: {
    type: "HRNet_W18_Small_V1",
    stem_channels: 8,
    stage1_num_channels: [8],
    stage2_num_channels: [4, 8],
    stage3_num_channels: [4, 8, 12],
    stage4_num_channels: [4, 8, 12, 16],
  },
  ocr_mid_channels: 16,
  ocr_key_channels: 8,
  dropout_rate: 0.5,
};
