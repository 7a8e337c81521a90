import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ready, tf } from "../../lib/mod.ts";
import { createModel, type SegModel } from "../../lib/models/mod.ts";
import { readPickle } from "../../lib/paddle/pickle_reader.ts";
import { readPdparams } from "../../lib/paddle/pdparams.ts";
import { isNdArray, type NdArray } from "../../lib/paddle/ndarray.ts";
import { loadPaddleState, loadPdparams, paddleState, savePdparams } from "../../lib/paddle/paddle_weights.ts";
import { PaddleCheckpointError } from "../../lib/paddle/errors.ts";
import { checkPython, pythonTest, runPython } from "../support/python.ts";

await ready("wasm", { quiet: true });
await checkPython(["numpy", "torch"]);

const TORCH_MODEL = new URL("./paddleseg_torch.py", import.meta.url).pathname;

interface Case {
  model: "OCRNet" | "UNet";
  backbone?: string;
  num_classes: number;
  height: number;
  width: number;
  seed: number;
  protocol: 2 | 4;
  use_deconv?: boolean;
}

/** Runs the PyTorch implementation: random weights → .pdparams, and its eval outputs. */
async function torchRun(c: Case): Promise<{ pdparams: string; input: NdArray; outputs: NdArray[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-torch-"));
  const spec = { ...c, pdparams: path.join(dir, "model.pdparams"), io: path.join(dir, "io.pkl") };
  fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify(spec));
  await runPython(fs.readFileSync(TORCH_MODEL, "utf8"), [path.join(dir, "spec.json")]);
  const io = readPickle(fs.readFileSync(spec.io), spec.io) as Map<string, unknown>;
  return {
    pdparams: spec.pdparams,
    input: io.get("input") as NdArray,
    outputs: io.get("outputs") as NdArray[],
  };
}

function seglabModel(c: Case): SegModel {
  return c.model === "OCRNet"
    ? createModel({ type: "OCRNet", backbone: { type: c.backbone }, num_classes: c.num_classes }, { seed: 5 })
    : createModel({ type: "UNet", num_classes: c.num_classes, use_deconv: c.use_deconv ?? false }, {
      seed: 5,
    });
}

/** Every output of the model in evaluation mode (batch statistics frozen, no dropout), NCHW. */
function evalOutputs(model: SegModel, input: NdArray): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.transpose(tf.tensor(input.data as Float32Array, input.shape as number[]), [0, 2, 3, 1]);
    const out = model.net.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) =>
      tf.transpose(t, [0, 3, 1, 2]).dataSync() as Float32Array
    );
  });
}

function assertMatches(actual: Float32Array, expected: NdArray, what: string): void {
  const e = expected.data as Float32Array;
  assert.equal(actual.length, e.length, `${what}: size`);
  let scale = 0, worst = 0, at = 0;
  for (let i = 0; i < e.length; i++) scale = Math.max(scale, Math.abs(e[i]));
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(actual[i] - e[i]);
    if (!(d <= worst)) [worst, at] = [d, i];
  }
  // float32 through ~100 layers in two frameworks: agreement to 2e-5 of the output's scale
  // (measured: 2e-6 for OCRNet-HRNet-W18's main logits, 7e-7 for its soft regions).
  assert.ok(scale > 0.01, `${what}: outputs are not trivially small (max |x| ${scale})`);
  assert.ok(
    worst <= 2e-5 * scale,
    `${what}: max |diff| ${worst} at ${at} (seglab ${actual[at]}, PyTorch ${e[at]}; scale ${scale})`,
  );
}

const OCR_W18: Case = {
  model: "OCRNet",
  backbone: "HRNet_W18",
  num_classes: 3,
  height: 72,
  width: 56,
  seed: 11,
  protocol: 4,
};

pythonTest(
  "OCRNet-HRNet-W18 from a PaddleSeg .pdparams equals the PyTorch implementation of PaddleSeg's on both outputs (eval mode)",
  ["numpy", "torch"],
  async () => {
    const run = await torchRun(OCR_W18);
    const model = seglabModel(OCR_W18);
    try {
      const r = await loadPdparams(model, run.pdparams);
      assert.equal(r.loaded, model.net.weights.length);
      const [main, aux] = evalOutputs(model, run.input);
      assert.deepEqual(run.outputs.map((o) => o.shape), [[1, 3, 72, 56], [1, 3, 72, 56]]);
      assertMatches(main, run.outputs[0], "main logits");
      assertMatches(aux, run.outputs[1], "soft object regions (aux)");

      // Export: the same mapping reads back bit for bit, and so does Python's pickle + numpy.
      const out = path.join(path.dirname(run.pdparams), "export", "model.pdparams");
      await savePdparams(model, out);
      const a = await readPdparams(run.pdparams), b = await readPdparams(out);
      assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
      for (const [k, v] of a) {
        const w = b.get(k)!;
        assert.deepEqual(w.shape, v.shape, k);
        assert.deepEqual(
          new Uint32Array(w.data.buffer),
          new Uint32Array((v.data as Float32Array).slice().buffer),
          k,
        );
      }
      const check = await runPython(
        `
import pickle, sys, numpy as np
a = pickle.load(open(sys.argv[1], "rb")); b = pickle.load(open(sys.argv[2], "rb"))
a.pop("StructuredToParameterName@@")
assert sorted(a) == sorted(b)
assert all(a[k].dtype == b[k].dtype and np.array_equal(a[k].view(np.uint32), b[k].view(np.uint32)) for k in a)
print(len(a))
`,
        [run.pdparams, out],
      );
      assert.equal(Number(check.trim()), a.size);
      const again = seglabModel(OCR_W18);
      try {
        await loadPdparams(again, out);
        const w1 = model.namedWeights(), w2 = again.namedWeights();
        for (let i = 0; i < w1.length; i++) {
          assert.deepEqual(w2[i].tensor.dataSync(), w1[i].tensor.dataSync(), w1[i].name);
        }
      } finally {
        again.dispose();
      }
    } finally {
      model.dispose();
    }
  },
);

for (
  const c of [
    { ...OCR_W18, backbone: "HRNet_W18_Small_V1", num_classes: 2, height: 64, width: 40, protocol: 2 },
    { model: "UNet", num_classes: 2, height: 32, width: 48, seed: 3, protocol: 4, use_deconv: true },
  ] as Case[]
) {
  const what = c.model === "OCRNet" ? `OCRNet-${c.backbone}` : `UNet (use_deconv: ${c.use_deconv})`;
  pythonTest(
    `${what} from a protocol ${c.protocol} .pdparams equals PyTorch`,
    ["numpy", "torch"],
    async () => {
      const run = await torchRun(c);
      const model = seglabModel(c);
      try {
        await loadPdparams(model, run.pdparams);
        const outs = evalOutputs(model, run.input);
        assert.equal(outs.length, run.outputs.length);
        outs.forEach((o, i) => assertMatches(o, run.outputs[i], `${what} output ${i}`));
      } finally {
        model.dispose();
      }
    },
  );
}

function tinyOcr(k: number): SegModel {
  return createModel({
    type: "OCRNet",
    num_classes: k,
    backbone: { type: "HRNet_W18_Small_V1", stem_channels: 8 },
    ocr_mid_channels: 16,
    ocr_key_channels: 8,
  }, { seed: 1 });
}

function snapshot(m: SegModel): Float32Array[] {
  return m.namedWeights().map((w) => w.tensor.dataSync() as Float32Array);
}

Deno.test("another class count: an error naming the keys and the fix, and nothing loaded", async () => {
  const src = tinyOcr(3), dst = tinyOcr(2);
  try {
    const before = snapshot(dst);
    const state = await paddleState(src);
    assert.throws(() => loadPaddleState(dst, state, { file: "ce/model.pdparams" }), (e: Error) => {
      assert.ok(e instanceof PaddleCheckpointError);
      assert.match(
        e.message,
        /^ce\/model\.pdparams does not fit OCRNet\(HRNet_W18_Small_V1\) with 2 classes: 4 mis-shaped: head\.aux_head\.1\.weight \(file \[3,240,1,1\], model \[2,240,1,1\]\)/,
      );
      assert.match(e.message, /the checkpoint predicts 3 classes and the model 2: set model\.num_classes: 3/);
      assert.match(e.message, /nothing was loaded$/);
      return true;
    });
    assert.deepEqual(snapshot(dst), before);
  } finally {
    src.dispose();
    dst.dispose();
  }
});

Deno.test("missing and unexpected keys are named; a backbone file as model weights says where it goes", async () => {
  const src = tinyOcr(2), dst = tinyOcr(2);
  try {
    const state = await paddleState(src);
    state.delete("backbone.conv_layer1_1._batch_norm._variance");
    state.set("head.extra.weight", state.get("head.cls_head.bias")!);
    assert.throws(
      () => loadPaddleState(dst, state, { file: "x.pdparams" }),
      /1 missing: backbone\.conv_layer1_1\._batch_norm\._variance; 1 unexpected: head\.extra\.weight; nothing was loaded/,
    );
    const backboneOnly = new Map(
      [...(await paddleState(src))].filter(([k]) => k.startsWith("backbone.")).map((
        [k, v],
      ) => [k.slice(9), v]),
    );
    assert.throws(
      () => loadPaddleState(dst, backboneOnly, { file: "hrnet.pdparams" }),
      /hrnet\.pdparams does not fit .*missing: .*it holds no head: backbone weights go in model\.backbone\.pretrained/,
    );
  } finally {
    src.dispose();
    dst.dispose();
  }
});

Deno.test("backbone scope loads backbone keys with or without the prefix and ignores a classifier", async () => {
  const src = tinyOcr(2), dst = tinyOcr(5);
  try {
    const headBefore = dst.namedWeights().filter((w) => w.name.startsWith("head.")).map((w) =>
      w.tensor.dataSync()
    );
    const full = await paddleState(src);
    const bare = new Map(
      [...full].filter(([k]) => k.startsWith("backbone.")).map(([k, v]) =>
        [k.slice(9), v] as [string, NdArray]
      ),
    );
    bare.set("fc.weight", full.get("head.cls_head.weight")!);
    const r = loadPaddleState(dst, bare, { scope: "backbone", file: "hrnet_w18_ssld.pdparams" });
    assert.deepEqual(r.ignored, ["backbone.fc.weight"]);
    const w = (m: SegModel, n: string) => m.namedWeights().find((x) => x.name === n)!.tensor.dataSync();
    assert.deepEqual(
      w(dst, "backbone.st2.0.fuse.1.0.0.conv/kernel"),
      w(src, "backbone.st2.0.fuse.1.0.0.conv/kernel"),
    );
    const headAfter = dst.namedWeights().filter((x) => x.name.startsWith("head.")).map((x) =>
      x.tensor.dataSync()
    );
    assert.deepEqual(headAfter, headBefore, "the head is untouched");
    // A full model file also works as backbone.pretrained (its head keys are ignored).
    const r2 = loadPaddleState(dst, full, { scope: "backbone" });
    assert.ok(r2.ignored.every((k) => k.startsWith("head.")) && r2.ignored.length > 0);
  } finally {
    src.dispose();
    dst.dispose();
  }
});

Deno.test("paddleState: PaddleSeg's names and layouts, UNet's classifier under both of its names", async () => {
  const m = tinyOcr(2);
  const u = createModel({ type: "UNet", num_classes: 2, base_channels: 4, depth: 2, use_deconv: true }, {
    seed: 1,
  });
  try {
    const s = await paddleState(m);
    for (
      const k of [
        "backbone.conv_layer1_1._conv.weight",
        "backbone.la1.bb_layer2_1.conv_down._batch_norm._mean",
        "backbone.tr1.transition_tr1_layer_2._batch_norm._variance",
        "backbone.st2.stage_st2_1.branches_func.bb_st2_1_branch_layer_2_2.conv2._conv.weight",
        "backbone.st4.stage_st4_1.fuse_func.residual_st4_1_layer_4_1_3._batch_norm.weight",
        "backbone.st4.stage_st4_1.fuse_func.residual_st4_1_layer_1_4._conv.weight",
        "head.spatial_ocr.attention_block.f_pixel.1._conv.bias",
        "head.spatial_ocr.conv1x1.0._batch_norm.bias",
        "head.aux_head.0._conv.weight",
        "head.aux_head.1.bias",
        "head.cls_head.weight",
        "head.conv3x3_ocr._conv.weight",
      ]
    ) assert.ok(s.has(k), k);
    assert.deepEqual(s.get("backbone.conv_layer1_1._conv.weight")!.shape, [8, 3, 3, 3]);
    assert.ok(isNdArray(s.get("head.cls_head.weight")));
    // [out, in, kh, kw] element (o=1, i=2, y=0, x=1) is seglab's kernel [y, x, i, o] = [0, 1, 2, 1].
    const k = m.namedWeights().find((w) => w.name === "backbone.conv1.conv/kernel")!.tensor;
    const seg = k.arraySync() as number[][][][];
    const pd = s.get("backbone.conv_layer1_1._conv.weight")!.data as Float32Array;
    assert.equal(pd[((1 * 3 + 2) * 3 + 0) * 3 + 1], seg[0][1][2][1]);
    const us = await paddleState(u);
    for (
      const key of [
        "encode.double_conv.0._conv.weight",
        "encode.down_sample_list.1.2._batch_norm._mean",
        "decode.up_sample_list.0.deconv.weight",
        "decode.up_sample_list.1.double_conv.1._conv.bias",
        "cls.weight",
        "conv.weight",
      ]
    ) assert.ok(us.has(key), key);
    // Transposed conv: Paddle [in, out, kh, kw].
    assert.deepEqual(us.get("decode.up_sample_list.0.deconv.weight")!.shape, [8, 2, 2, 2]);
    const u2 = createModel({ type: "UNet", num_classes: 2, base_channels: 4, depth: 2, use_deconv: true }, {
      seed: 9,
    });
    try {
      assert.equal(loadPaddleState(u2, us).loaded, u2.net.weights.length);
    } finally {
      u2.dispose();
    }
  } finally {
    m.dispose();
    u.dispose();
  }
});
