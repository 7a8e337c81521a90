import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { leanGradients, leanVariableGrads } from "../../../lib/models/layers/lean_gradients.ts";

interface Engine {
  trackTensor(a: tf.Tensor, b: unknown): void;
  removeDataId(d: object, b: unknown): void;
  gradients(
    f: () => tf.Tensor,
    xs: tf.Tensor[],
    dy?: tf.Tensor,
    allow?: boolean,
  ): { value: tf.Tensor; grads: (tf.Tensor | undefined)[] };
}
const engine = () => tf.engine() as unknown as Engine;

/** A function with fan-out, pass-through ops, a multi-output op, a custom gradient, an int input, a side branch. */
function graph(x: tf.Tensor, v: tf.Variable, labels: tf.Tensor): () => tf.Tensor {
  const square = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const a = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([a]);
    return { value: tf.square(a), gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(s, 2)) };
  });
  return () => {
    const a = tf.relu(tf.matMul(x, v)); // [4, 6]
    const b = tf.reshape(tf.clone(a), [4, 3, 2]); // pass-through ops
    const [p, q] = tf.split(b, 2, 2); // multi-output op
    const side = tf.exp(a); // depends on x, does not lead to y
    side.dataSync();
    const onehot = tf.oneHot(labels, 6); // int input: no gradient
    const c = tf.add(tf.mul(tf.reshape(p, [4, 3]), tf.reshape(q, [4, 3])), tf.slice(a, [0, 0], [4, 3]));
    return tf.add(tf.sum(square(c)), tf.sum(tf.mul(a, onehot))); // a read three times
  };
}

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`leanGradients: the same gradients as tf.engine().gradients, bit for bit, no leak [${backend}]`, async () => {
    await ready(backend, { quiet: true });
    const x = tf.randomNormal([4, 5], 0, 1, "float32", 1);
    const v = tf.variable(tf.randomNormal([5, 6], 0, 1, "float32", 2));
    const labels = tf.tensor1d([0, 5, 2, 3], "int32");
    const dy = tf.scalar(0.5);
    const unused = tf.ones([3]);
    const f = graph(x, v, labels);
    const ref = engine().gradients(f, [x, v, labels, unused], dy, true);
    const before = tf.memory().numTensors;
    const lean = leanGradients(f, [x, v, labels, unused], dy);
    assert.deepEqual(lean.shape, []);
    assert.equal(lean.grads[3], undefined);
    assert.equal(ref.grads[3], undefined);
    for (const i of [0, 1, 2]) {
      assert.deepEqual(Array.from(lean.grads[i]!.dataSync()), Array.from(ref.grads[i]!.dataSync()));
    }
    assert.ok(!dy.isDisposed, "the caller's dy is the caller's to free");
    tf.dispose(lean.grads.filter((g) => g !== undefined));
    assert.equal(tf.memory().numTensors, before, "leanGradients leaked tensors");
    tf.dispose([ref.value, ...ref.grads.filter((g) => g !== undefined), x, v, labels, dy, unused]);
  });
}

Deno.test("leanGradients: a chain's backward pass holds far less than tf.engine().gradients", async () => {
  await ready("cpu", { quiet: true });
  // Live bytes of distinct buffers (tf.memory().numBytes counts a buffer once per tensor sharing it).
  const e = engine();
  const track = e.trackTensor.bind(e), remove = e.removeDataId.bind(e);
  const live = new Map<object, number>();
  let bytes = 0, peak = 0;
  e.trackTensor = (a, b) => {
    track(a, b);
    if (!live.has(a.dataId)) {
      live.set(a.dataId, a.size * 4);
      bytes += a.size * 4;
      peak = Math.max(peak, bytes);
    }
  };
  e.removeDataId = (d, b) => {
    bytes -= live.get(d) ?? 0;
    live.delete(d);
    remove(d, b);
  };
  try {
    const x = tf.randomNormal([256, 256], 0, 1, "float32", 3);
    const f = () => {
      let y = x;
      for (let i = 0; i < 12; i++) y = tf.sin(tf.mul(y, 1.01));
      return tf.sum(y);
    };
    const dy = tf.scalar(1);
    const measure = (g: () => (tf.Tensor | undefined)[]) => {
      const base = bytes;
      peak = base;
      const grads = g();
      const data = grads[0]!.dataSync().slice();
      tf.dispose(grads as tf.Tensor[]);
      return { bytes: peak - base, data };
    };
    const plain = measure(() => {
      const r = e.gradients(f, [x], dy, true);
      r.value.dispose();
      return r.grads;
    });
    const lean = measure(() => leanGradients(f, [x], dy).grads);
    assert.deepEqual(Array.from(lean.data), Array.from(plain.data));
    // The forward pass's 24 activations and 24 gradients of 256 KiB each, vs. the activations and
    // a frontier of a few gradients.
    assert.ok(lean.bytes < 0.7 * plain.bytes, `lean peak ${lean.bytes} B vs ${plain.bytes} B`);
    tf.dispose([x, dy]);
  } finally {
    e.trackTensor = track;
    e.removeDataId = remove;
  }
});

Deno.test("leanVariableGrads: the same value and gradients as tf.variableGrads; no leak, also when f throws", async () => {
  await ready("wasm", { quiet: true });
  const x = tf.randomNormal([4, 5], 0, 1, "float32", 4);
  const v = tf.variable(tf.randomNormal([5, 6], 0, 1, "float32", 5));
  const frozen = tf.variable(tf.ones([3]), true); // not read by f: no gradient
  const labels = tf.tensor1d([1, 0, 4, 2], "int32");
  const f = graph(x, v, labels) as () => tf.Scalar;
  const ref = tf.variableGrads(f, [v, frozen]);
  const before = tf.memory().numTensors;
  const lean = leanVariableGrads(f, [v, frozen]);
  assert.equal(lean.value.dataSync()[0], ref.value.dataSync()[0]);
  assert.deepEqual(Object.keys(lean.grads), Object.keys(ref.grads));
  assert.deepEqual(Array.from(lean.grads[v.name].dataSync()), Array.from(ref.grads[v.name].dataSync()));
  tf.dispose([lean.value, ...Object.values(lean.grads)]);
  assert.equal(tf.memory().numTensors, before, "leanVariableGrads leaked tensors");
  assert.throws(() =>
    leanVariableGrads(() => {
      tf.exp(tf.matMul(x, v));
      throw new Error("the loss refused its input");
    }, [v]), /refused/);
  assert.equal(tf.memory().numTensors, before, "a throwing f leaked its tape's tensors");
  tf.dispose([ref.value, ...Object.values(ref.grads), x, v, frozen, labels]);
});
