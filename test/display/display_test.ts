import assert from "node:assert/strict";
import { inspect } from "node:util";
import { display, setOutputSink } from "../../lib/mod.ts";

Deno.test("display() returns a handle that prints as nothing (tslab logs a cell's last value)", () => {
  const shown: unknown[] = [];
  setOutputSink({ name: "test", display: (b) => void shown.push(b) });
  try {
    const h = display("epoch 1");
    assert.equal(inspect(h), "");
    assert.equal(typeof h.update, "function");
    assert.deepEqual(
      Object.keys(h).sort(),
      ["displayId", "update"],
      "the kernel still knows it for a handle",
    );
    h.update("epoch 2");
    assert.equal(shown.length, 2);
  } finally {
    setOutputSink(null);
  }
});
