import assert from "node:assert/strict";
import { createLossConfig, ready, tf } from "../../lib/mod.ts";
import { recomputedTerms } from "../../lib/train/recomputed_loss.ts";

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`recomputed loss terms: same values and gradients as the plain terms (CE + Lovász-Softmax) [${backend}]`, async () => {
    await ready(backend, { quiet: true });
    const loss = createLossConfig({
      types: [
        {
          type: "MixedLoss",
          losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszSoftmaxLoss" }],
          coef: [0.8, 0.2],
        },
        { type: "CrossEntropyLoss" },
      ],
      coef: [1, 0.4],
    });
    const a = tf.variable(tf.randomNormal([2, 9, 11, 4], 0, 2, "float32", 1));
    const b = tf.variable(tf.randomNormal([2, 9, 11, 4], 0, 2, "float32", 2));
    const labels = tf.randomUniform([2, 9, 11], 0, 4, "int32", 3) as tf.Tensor3D;
    const run = (rec: boolean) => {
      let names: string[] = [], values: number[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const outs = [a, b] as unknown as tf.Tensor4D[];
        const terms = rec ? recomputedTerms(loss, outs, labels) : loss.terms(outs, labels);
        names = terms.map((t) => t.name);
        values = terms.map((t) => t.value.dataSync()[0]);
        return tf.addN(terms.map((t) => t.value)) as tf.Scalar;
      }, [a, b]);
      const out = {
        total: value.dataSync()[0],
        names,
        values,
        ga: grads[a.name].dataSync(),
        gb: grads[b.name].dataSync(),
      };
      value.dispose();
      tf.dispose(grads);
      return out;
    };
    try {
      const plain = run(false), rec = run(true);
      assert.deepEqual(rec.names, plain.names);
      assert.ok(plain.names.length >= 2);
      rec.values.forEach((v, i) => assert.ok(Math.abs(v - plain.values[i]) <= 1e-6, `${plain.names[i]}`));
      assert.ok(Math.abs(rec.total - plain.total) <= 1e-6);
      for (const k of ["ga", "gb"] as const) {
        let d = 0, mx = 0;
        plain[k].forEach((v, i) => {
          d = Math.max(d, Math.abs(v - rec[k][i]));
          mx = Math.max(mx, Math.abs(v));
        });
        assert.ok(mx > 0 && d <= 1e-6 * Math.max(1, mx), `${k}: ${d}`);
      }
      run(true);
      const before = tf.memory().numTensors;
      run(true);
      assert.equal(tf.memory().numTensors, before);
    } finally {
      tf.dispose([a, b, labels]);
    }
  });
}
