import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PickleError, readPickle } from "../../lib/paddle/pickle_reader.ts";
import { readPdopt, readPdparams, stateDict } from "../../lib/paddle/pdparams.ts";
import type { NdArray } from "../../lib/paddle/ndarray.ts";
import { checkPython, pythonTest, runPython } from "../support/python.ts";

await checkPython(["numpy"]);

/** What paddle.save(state_dict) writes, from Python: arrays of several dtypes and the name table. */
const MAKE = `
import pickle, sys, numpy as np
proto = int(sys.argv[2])
d = {}
d["backbone.conv.weight"] = (np.arange(2*3*3*3, dtype=np.float32).reshape(2, 3, 3, 3) - 20) / 7
d["backbone.bn._mean"] = np.array([0.5, -1.25], dtype=np.float32)
d["head.scalar_like"] = np.array(3.5, dtype=np.float32)
d["steps"] = np.array([1, -2, 2**40], dtype=np.int64)
d["half"] = np.array([1.5, -2.0], dtype=np.float16)
d["empty"] = np.zeros((0, 4), dtype=np.float32)
d["fortran"] = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))
d["StructuredToParameterName@@"] = {"backbone.conv.weight": "conv2d_0.w_0"}
data = pickle.dumps(d, protocol=proto)
if sys.argv[3] == "core2":
    data = data.replace(b"numpy.core.multiarray\\n", b"numpy._core.multiarray\\n")
open(sys.argv[1], "wb").write(data)
`;

function tmp(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "seglab-pickle-")), name);
}

function values(a: NdArray | undefined): number[] {
  assert.ok(a, "array present");
  return Array.from(a.data as ArrayLike<number | bigint>, Number);
}

for (const [proto, variant] of [[2, "core"], [4, "core"], [4, "core2"], [2, "core2"]] as const) {
  pythonTest(`readPdparams reads numpy's protocol ${proto} pickle (${variant})`, ["numpy"], async () => {
    const file = tmp("model.pdparams");
    await runPython(MAKE, [file, String(proto), variant]);
    const sd = await readPdparams(file);
    assert.deepEqual([...sd.keys()], [
      "backbone.conv.weight",
      "backbone.bn._mean",
      "head.scalar_like",
      "steps",
      "half",
      "empty",
      "fortran",
    ]);
    const w = sd.get("backbone.conv.weight")!;
    assert.equal(w.dtype, "f4");
    assert.deepEqual(w.shape, [2, 3, 3, 3]);
    assert.deepEqual(values(w), Array.from({ length: 54 }, (_, i) => Math.fround((i - 20) / 7)));
    assert.deepEqual(values(sd.get("backbone.bn._mean")), [0.5, -1.25]);
    assert.deepEqual(sd.get("head.scalar_like")!.shape, []);
    assert.deepEqual(values(sd.get("head.scalar_like")), [3.5]);
    assert.equal(sd.get("steps")!.dtype, "i8");
    assert.deepEqual(Array.from(sd.get("steps")!.data as BigInt64Array), [1n, -2n, 2n ** 40n]);
    assert.equal(sd.get("half")!.dtype, "f2");
    assert.deepEqual(sd.get("empty")!.shape, [0, 4]);
    assert.deepEqual(values(sd.get("fortran")), [0, 1, 2, 3, 4, 5], "Fortran order read back in C order");
  });
}

pythonTest("readPdopt reads an optimizer state with nested dicts and numbers", ["numpy"], async () => {
  const file = tmp("model.pdopt");
  await runPython(
    `
import pickle, sys, numpy as np
d = {"conv.weight_velocity_0": np.ones((2, 2), dtype=np.float32),
     "LR_Scheduler": {"last_epoch": 7, "last_lr": 0.0095, "big": 2**70, "neg": -3},
     "global_step": np.float32(4.0), "flag": True, "none": None, "tags": ["a", ("b", 1)],
     "StructuredToParameterName@@": {"x": "y"}}
open(sys.argv[1], "wb").write(pickle.dumps(d, protocol=4))
`,
    [file],
  );
  const d = await readPdopt(file);
  assert.equal(d.has("StructuredToParameterName@@"), false);
  const lr = d.get("LR_Scheduler") as Map<string, unknown>;
  assert.equal(lr.get("last_epoch"), 7);
  assert.equal(lr.get("last_lr"), 0.0095);
  assert.equal(lr.get("big"), 2n ** 70n);
  assert.equal(lr.get("neg"), -3);
  assert.equal(d.get("global_step"), 4);
  assert.equal(d.get("flag"), true);
  assert.equal(d.get("none"), null);
  assert.deepEqual(d.get("tags"), ["a", ["b", 1]]);
  assert.deepEqual((d.get("conv.weight_velocity_0") as NdArray).shape, [2, 2]);
});

pythonTest("a pickle that would run a command is refused before anything runs", ["numpy"], async () => {
  const file = tmp("evil.pdparams");
  const marker = tmp("ran");
  await runPython(
    `
import pickle, sys, os
class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[2],))
open(sys.argv[1], "wb").write(pickle.dumps({"w": Evil()}, protocol=2))
`,
    [file, marker],
  );
  await assert.rejects(readPdparams(file), (e: Error) => {
    assert.ok(e instanceof PickleError);
    assert.match(
      e.message,
      /evil\.pdparams: refused global (posix|os)\.system at byte \d+; expected one of numpy/,
    );
    return true;
  });
  assert.equal(fs.existsSync(marker), false);
});

pythonTest("a pickle of an arbitrary class instance is refused by its global", ["numpy"], async () => {
  const file = tmp("obj.pdparams");
  await runPython(
    `
import pickle, sys, collections
open(sys.argv[1], "wb").write(pickle.dumps({"w": collections.Counter("ab")}, protocol=4))
`,
    [file],
  );
  await assert.rejects(readPdparams(file), /refused global collections\.Counter/);
});

Deno.test("refused opcodes are named with their byte offset", () => {
  // PROTO 2, then NEWOBJ (0x81).
  assert.throws(
    () => readPickle(new Uint8Array([0x80, 0x02, 0x81, 0x2e]), "x.pdparams"),
    /x\.pdparams: refused opcode NEWOBJ \(0x81\) at byte 2; expected one of the data opcodes/,
  );
  // PROTO 2, BINPERSID
  assert.throws(
    () => readPickle(new Uint8Array([0x80, 0x02, 0x4e, 0x51, 0x2e]), "p.pdparams"),
    /refused opcode BINPERSID/,
  );
  // Protocol 0 text opcodes.
  assert.throws(
    () => readPickle(new TextEncoder().encode("(dp0\nS'a'\np1\nI1\ns."), "old.pdparams"),
    /old\.pdparams: not a Paddle checkpoint: .* starts with 0x28/,
  );
  // A call of something that is not an allowed global: REDUCE on a string.
  assert.throws(
    () => readPickle(new Uint8Array([0x80, 0x04, 0x8c, 0x01, 0x61, 0x29, 0x52, 0x2e]), "r.pdparams"),
    /refused a call of a "a"/,
  );
});

Deno.test("a truncated file, a non-pickle and an empty file are one-line errors naming the file", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-pickle-"));
  const good = new Uint8Array([0x80, 0x04, 0x7d, 0x94, 0x8c, 0x01, 0x77, 0x94, 0x4b, 0x01, 0x73, 0x2e]);
  assert.deepEqual(readPickle(good, "g"), new Map([["w", 1]]));
  const cut = path.join(dir, "cut.pdparams");
  fs.writeFileSync(cut, good.subarray(0, 6));
  await assert.rejects(readPdparams(cut), (e: Error) => {
    assert.match(e.message, /cut\.pdparams: truncated: SHORT_BINUNICODE at byte 4 needs 1 more bytes/);
    assert.equal(e.message.includes("\n"), false);
    return true;
  });
  const cut2 = path.join(dir, "cut2.pdparams");
  fs.writeFileSync(cut2, good.subarray(0, 11));
  await assert.rejects(readPdparams(cut2), /cut2\.pdparams: truncated: .* at byte 11/);
  const text = path.join(dir, "notes.pdparams");
  fs.writeFileSync(text, "hello");
  await assert.rejects(readPdparams(text), /notes\.pdparams: not a Paddle checkpoint/);
  const zip = path.join(dir, "torch.pdparams");
  fs.writeFileSync(zip, new Uint8Array([0x50, 0x4b, 3, 4]));
  await assert.rejects(readPdparams(zip), /a zip archive: a PyTorch checkpoint/);
  const empty = path.join(dir, "empty.pdparams");
  fs.writeFileSync(empty, "");
  await assert.rejects(readPdparams(empty), /empty\.pdparams: empty file/);
  await assert.rejects(
    readPdparams(path.join(dir, "none.pdparams")),
    /none\.pdparams: cannot read .*no such file/,
  );
});

Deno.test("an optimizer state given as weights is named as such", () => {
  // {"LR_Scheduler": {"last_epoch": 1}}
  const bytes = new Uint8Array([
    0x80,
    0x04,
    0x7d,
    0x8c,
    0x0c,
    ...new TextEncoder().encode("LR_Scheduler"),
    0x7d,
    0x8c,
    0x0a,
    ...new TextEncoder().encode("last_epoch"),
    0x4b,
    0x01,
    0x73,
    0x73,
    0x2e,
  ]);
  assert.throws(
    () => stateDict(readPickle(bytes, "m.pdparams"), "m.pdparams"),
    /m\.pdparams: entry "LR_Scheduler" is a dict, not an array; is this an optimizer state/,
  );
});
