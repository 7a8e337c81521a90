/**
 * How much memory one training step of a model needs at a given input size, estimated from the
 * model's graph without running it: every layer's output shape follows from the input's, a
 * training step keeps about one tensor per layer output for the backward pass, and the weights
 * are held four times (weights, gradients, two optimizer slots). With activation recomputation
 * (`layers/recompute.ts`) a block keeps only its inputs and outputs; its inner activations live
 * only while its backward pass runs, one block at a time, and are freed as that pass goes.
 *
 * The constants are calibrated against the wasm heap's measured peaks (`bench/recompute.ts`); the
 * estimate is meant for deciding whether a crop fits, not for accounting to the byte.
 * @module
 */
import { tf } from "../core/tf.ts";
import { Recompute } from "./layers/recompute.ts";

type Shape = (number | null)[];

/** Bytes one training step needs, with and without recomputation. */
export interface MemoryEstimate {
  /** Weights, their gradients and two optimizer slots. */
  weightBytes: number;
  /** Activations kept for the backward pass when every activation is kept. */
  keptBytes: number;
  /** Activations kept with recomputation: block inputs and outputs and layers outside blocks. */
  keptRecomputeBytes: number;
  /** The largest block's inner activations (alive while its backward pass runs). */
  largestBlockBytes: number;
  /** What the loss and its gradient hold at the outputs' resolution. */
  lossBytes: number;
  /** Estimated peak without recomputation. */
  peakBytes: number;
  /** Estimated peak with recomputation. */
  peakRecomputeBytes: number;
}

/**
 * Without recomputation, bytes of the heap's peak per byte of layer outputs: the tape's saved
 * tensors, TensorFlow.js keeping every gradient of a backward pass until it ends, temporaries and
 * the heap's growth steps (fitted to measured wasm heaps, `bench/recompute.ts`).
 */
const KEPT_FACTOR = 2.5;
/**
 * With recomputation, per byte of the tensors kept between blocks (block inputs and outputs, layers
 * outside blocks): the tensors themselves (the outer backward pass frees each, and each gradient,
 * once past it).
 */
const KEPT_RECOMPUTE_FACTOR = 1.0;
/**
 * Per byte of the largest block's activations: its backward pass (`layers/lean_gradients.ts`)
 * holds the recomputed activations not yet passed and the gradients at the frontier, plus the
 * heap's growth steps and fragmentation.
 */
const BLOCK_FACTOR = 2.85;
/**
 * Per byte of the loss's full-resolution tensors (`LOSS_FLOATS`): the loss's backward pass runs
 * before the blocks' and its tensors are gone by their peak; what remains is the heap's shape.
 */
const LOSS_RECOMPUTE_FACTOR = 0.05;
/** Floats per output pixel per logit channel that a loss and its gradient hold (softmax, one-hot, sort keys …). */
const LOSS_FLOATS = 8;
/** What the runtime holds besides tensors (kernels' workspaces, allocator slack). */
const BASE_BYTES = 128 * 2 ** 20;

const size = (s: Shape) => s.reduce((a: number, d) => a * (d ?? 1), 1);

interface Walk {
  outputs: Shape[];
  /** Σ of every leaf layer's output size (floats), recursing into blocks. */
  all: number;
  /** Σ with blocks counted as their outputs only. */
  top: number;
  /** Largest block's inner Σ (floats). */
  block: number;
}

function asList(s: Shape | Shape[]): Shape[] {
  return Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}

/** Output shapes and activation sizes of `net` for concrete `inputs` shapes. */
function walk(net: tf.LayersModel, inputs: Shape[]): Walk {
  const shapes = new Map<tf.layers.Layer, Shape[]>();
  net.inputLayers.forEach((l, i) => shapes.set(l, [inputs[i]]));
  let all = 0, top = 0, block = 0;
  for (const layer of net.layers) {
    if (shapes.has(layer)) continue;
    const node = (layer as unknown as {
      inboundNodes: { inboundLayers: tf.layers.Layer[]; tensorIndices: number[] }[];
    }).inboundNodes[0];
    const ins = node.inboundLayers.map((l, k) => shapes.get(l)![node.tensorIndices[k]]);
    let outs: Shape[];
    if (layer instanceof Recompute) {
      const w = walk(layer.inner, ins);
      outs = w.outputs;
      all += w.all;
      top += outs.reduce((a, s) => a + size(s), 0);
      block = Math.max(block, w.all);
    } else {
      outs = asList(layer.computeOutputShape(ins.length === 1 ? ins[0] : ins) as Shape | Shape[]);
      const n = outs.reduce((a, s) => a + size(s), 0);
      all += n;
      top += n;
    }
    shapes.set(layer, outs);
  }
  const outputs = net.outputs.map((t) => shapes.get(t.sourceLayer)![t.tensorIndex ?? 0]);
  return { outputs, all, top, block };
}

/** Estimates one training step's memory for images `[n, h, w, c]`. */
export function estimateTrainingMemory(net: tf.LayersModel, shape: number[]): MemoryEstimate {
  const w = walk(net, [shape]);
  const params = net.weights.reduce((a, v) => a + size(v.shape), 0);
  const weightBytes = 4 * 4 * params;
  const loss = w.outputs.reduce((a, s) => a + LOSS_FLOATS * size(s), 0);
  const keptBytes = 4 * w.all;
  const keptRecomputeBytes = 4 * w.top;
  const largestBlockBytes = 4 * w.block;
  const fixed = BASE_BYTES + weightBytes;
  return {
    weightBytes,
    keptBytes,
    keptRecomputeBytes,
    largestBlockBytes,
    lossBytes: 4 * loss,
    peakBytes: fixed + KEPT_FACTOR * keptBytes + 4 * loss,
    // The loss is recomputed too (train/recomputed_loss.ts): its backward pass and the blocks' do not
    // overlap, and the outer pass frees the logits' gradients once past them (layers/lean_gradients.ts).
    // Fitted to OCRNet-HRNet-W18's measured wasm heaps over 2–3 iterations (bench/cpu_limits.md):
    // 768×768×2 2995 MiB with 2 classes and 2986 MiB with 19; the estimate is 5 % and 13 % above.
    peakRecomputeBytes: fixed + KEPT_RECOMPUTE_FACTOR * keptRecomputeBytes +
      BLOCK_FACTOR * largestBlockBytes + LOSS_RECOMPUTE_FACTOR * 4 * loss,
  };
}
