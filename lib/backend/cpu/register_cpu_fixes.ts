/**
 * Fixes for the `cpu` backend's kernels.
 *
 * `ResizeBilinearGrad` (the gradient of bilinear resizing and of `tf.layers.upSampling2d` with
 * bilinear interpolation) computes the right values but labels its result
 * `[batch, width, height, depth]`, so every non-square image fails to train ("The gradient of
 * input 'images' has shape …"). seglab keeps the kernel and corrects the shape.
 * @module
 */
import { tf } from "../../core/tf.ts";

const FIXED = Symbol.for("seglab.cpuFix");

/** Registers the fixed kernels for `cpu` (idempotent); returns their names. */
export function registerCpuFixes(): string[] {
  const name = "ResizeBilinearGrad";
  const k = tf.getKernel(name, "cpu") as (tf.KernelConfig & { [FIXED]?: boolean }) | undefined;
  if (!k || k[FIXED]) return [name];
  tf.unregisterKernel(name, "cpu");
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      const out = k.kernelFunc(args) as tf.TensorInfo;
      const images = (args.inputs as Record<string, tf.TensorInfo>).images;
      return { ...out, shape: [...images.shape] };
    },
    [FIXED]: true,
  } as tf.KernelConfig);
  return [name];
}
