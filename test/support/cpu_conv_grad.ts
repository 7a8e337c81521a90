/**
 * Test-only speed-up for the `cpu` backend: its stock `Conv2DBackpropFilter` runs at a few
 * MFLOP/s, which makes even a tiny U-Net step take seconds. This registers the filter gradient
 * as one convolution (input transposed to [Ci,H,W,N] convolved with the output gradient
 * transposed to [OH,OW,N,Co], dilation = stride), composed from cpu's own kernels. Same maths;
 * the trainer tests use it until the wasm training kernels (backend issue) are in main.
 */
import { tf } from "../../lib/mod.ts";

type Info = tf.TensorInfo;
let done = false;

export function registerFastCpuConvFilterGrad(): void {
  if (done) return;
  done = true;
  const k = (name: string) => tf.getKernel(name, "cpu")!.kernelFunc as unknown as (a: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }) => Info;
  const transpose = k("Transpose"), conv = k("Conv2D"), slice = k("Slice");
  tf.unregisterKernel("Conv2DBackpropFilter", "cpu");
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "cpu",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: Info; dy: Info };
      const a = attrs as unknown as { strides: [number, number] | number; pad: unknown; dimRoundingMode?: "floor" | "round" | "ceil"; filterShape: [number, number, number, number] };
      const be = backend as { disposeData(id: unknown): void };
      const [kh, kw] = a.filterShape;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad as "same", a.dimRoundingMode, false, "channelsLast");
      const [sh, sw] = [info.strideHeight, info.strideWidth];
      const [h, w] = [x.shape[1], x.shape[2]];
      const top = info.padInfo.top, left = info.padInfo.left;
      const bottom = Math.max(0, kh + sh * (info.outHeight - 1) - h - top);
      const right = Math.max(0, kw + sw * (info.outWidth - 1) - w - left);
      const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
      const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
      const c = conv({
        inputs: { x: xT, filter: dyT },
        backend,
        attrs: { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: "NHWC", dilations: [sh, sw] },
      });
      const s = c.shape[1] === kh && c.shape[2] === kw ? c : slice({ inputs: { x: c }, backend, attrs: { begin: [0, 0, 0, 0], size: [c.shape[0], kh, kw, c.shape[3]] } });
      const out = transpose({ inputs: { x: s }, backend, attrs: { perm: [1, 2, 0, 3] } });
      for (const t of new Set([xT, dyT, c, s])) be.disposeData(t.dataId);
      return out;
    },
  });
}
