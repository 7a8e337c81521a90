import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ndarray } from "../../lib/paddle/ndarray.ts";
import { readPickle } from "../../lib/paddle/pickle_reader.ts";
import { type PickleValue, writePickle } from "../../lib/paddle/pickle_writer.ts";
import { readPdparams, writePdparams } from "../../lib/paddle/pdparams.ts";
import { checkPython, pythonTest, runPython } from "../support/python.ts";

await checkPython(["numpy"]);

function sample(): Map<string, PickleValue> {
  const big = new Float32Array(70000);
  for (let i = 0; i < big.length; i++) big[i] = Math.fround(Math.sin(i) * 1e-3);
  big[5] = NaN;
  big[6] = -0;
  return new Map<string, PickleValue>([
    [
      "backbone.conv_layer1_1._conv.weight",
      ndarray("f4", [2, 1, 3, 3], Float32Array.from({ length: 18 }, (_, i) => i / 3 - 2)),
    ],
    ["big", ndarray("f4", [70000], big)],
    ["steps", ndarray("i8", [2], new BigInt64Array([3n, -(2n ** 40n)]))],
    ["scalar", ndarray("f4", [], new Float32Array([0.25]))],
    ["ünïcode key", ndarray("f8", [1, 1], new Float64Array([Math.PI]))],
    ["n", 1234567],
    ["neg", -5],
    ["huge", 2n ** 80n],
    ["x", 0.5],
    ["t", [true, false, null, "s"]],
  ]);
}

const CHECK = `
import pickle, sys, math, numpy as np
d = pickle.load(open(sys.argv[1], "rb"))
w = d["backbone.conv_layer1_1._conv.weight"]
assert w.dtype == np.float32 and w.shape == (2, 1, 3, 3) and w.flags["C_CONTIGUOUS"], (w.dtype, w.shape)
assert np.array_equal(w.ravel(), (np.arange(18) / 3 - 2).astype(np.float32))
big = d["big"]
ref = (np.sin(np.arange(70000)) * 1e-3).astype(np.float32)
ref[5] = np.nan; ref[6] = -0.0
assert np.array_equal(big.view(np.uint32), ref.view(np.uint32)), "bit-exact float32"
assert d["steps"].dtype == np.int64 and list(d["steps"]) == [3, -(2**40)]
assert d["scalar"].shape == () and float(d["scalar"]) == 0.25
assert d["ünïcode key"].dtype == np.float64 and d["ünïcode key"][0, 0] == math.pi
assert d["n"] == 1234567 and d["neg"] == -5 and d["huge"] == 2**80 and d["x"] == 0.5
assert d["t"] == [True, False, None, "s"]
print("ok", sys.argv[2])
`;

for (const protocol of [2, 4] as const) {
  pythonTest(
    `writePickle protocol ${protocol}: Python's pickle + numpy read every value back`,
    ["numpy"],
    async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "seglab-pw-")), "x.pdparams");
      fs.writeFileSync(file, writePickle(sample(), { protocol }));
      const out = await runPython(CHECK, [file, String(protocol)]);
      assert.equal(out.trim(), `ok ${protocol}`);
    },
  );
}

Deno.test("writePickle output reads back with readPickle, bit for bit", () => {
  for (const protocol of [2, 4] as const) {
    const v = readPickle(writePickle(sample(), { protocol }), "mem") as Map<string, unknown>;
    const s = sample();
    assert.deepEqual([...v.keys()], [...s.keys()]);
    for (const [k, x] of s) assert.deepEqual(v.get(k), x, `${k} (protocol ${protocol})`);
  }
});

Deno.test("writePdparams writes atomically and readPdparams reads it", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-pw-"));
  const file = path.join(dir, "out", "model.pdparams");
  const arrays = new Map([["a.weight", ndarray("f4", [3], new Float32Array([1, 2, 3]))]]);
  await writePdparams(file, arrays);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["model.pdparams"]);
  const back = await readPdparams(file);
  assert.deepEqual(back, arrays);
});
