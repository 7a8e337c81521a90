import { tf } from "../../../lib/mod.ts";
import { Conv2D } from "../../../lib/models/layers/conv2d.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { testOnBackends } from "../../support/backends.ts";

testOnBackends(
  "Conv2D equals tf.layers' conv2d ('same', strides 1 and 2, with and without bias), gradients included",
  () => {
    for (
      const [stride, useBias, size] of [[1, true, 9], [2, false, 9], [2, true, 10]] as [
        number,
        boolean,
        number,
      ][]
    ) {
      const x = tf.randomNormal([2, size, size + 1, 3], 0, 1, "float32", 3);
      const ours = new Conv2D({ filters: 4, kernelSize: 3, strides: stride, useBias, std: 0.5, seed: 1 });
      const ref = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: stride, padding: "same", useBias });
      ours.apply(x);
      ref.apply(x);
      const w = [ours.kernel!.read(), ...(useBias ? [tf.tensor1d([0.1, -0.2, 0.3, 0.4])] : [])];
      if (useBias) ours.bias!.write(w[1]);
      ref.setWeights(w);
      const a = ours.apply(x) as tf.Tensor, b = ref.apply(x) as tf.Tensor;
      assertAllClose(a.dataSync(), b.dataSync(), 1e-5, 1e-5, `output s${stride}`);
      const dw = tf.randomNormal(a.shape, 0, 1, "float32", 4);
      const ga = tf.grads((xi: tf.Tensor, k: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xi as tf.Tensor4D, k as tf.Tensor4D, stride, "same"), dw))
      )([x, w[0]]);
      const vs = [ours.kernel!.read() as tf.Variable], vr = [ref.trainableWeights[0].read() as tf.Variable];
      const gOurs = tf.variableGrads(() =>
        tf.sum(tf.mul(ours.apply(x) as tf.Tensor, dw)) as tf.Scalar, vs).grads[vs[0].name];
      const gRef = tf.variableGrads(() =>
        tf.sum(tf.mul(ref.apply(x) as tf.Tensor, dw)) as tf.Scalar, vr).grads[vr[0].name];
      assertAllClose(gOurs.dataSync(), gRef.dataSync(), 1e-4, 1e-4, `dW s${stride}`);
      assertAllClose(gOurs.dataSync(), ga[1].dataSync(), 1e-4, 1e-4, `dW vs tf.grads s${stride}`);
    }
  },
);
