/**
 * How the element-wise and per-channel SIMD kernels (`emit_pointwise.ts`) are cut into work items
 * for the helper threads: whole rows, about {@linkcode ITEM_BYTES} each.
 * @module
 */

/**
 * Bytes per work item: large enough that handing one to a thread costs little beside it, small
 * enough (with four chunks per thread) to even out a thread the OS slows down.
 */
export const ITEM_BYTES = 64 * 1024;

/** `unit` (whole rows of `rowBytes`, ~ITEM_BYTES) and the item count covering `total` bytes. */
export function byteItems(total: number, rowBytes: number): { unit: number; count: number } {
  const unit = rowBytes * Math.max(1, Math.floor(ITEM_BYTES / rowBytes));
  return { unit, count: Math.max(1, Math.ceil(total / unit)) };
}
