/**
 * `record()`'s output is scrapbook's JSON scrap (the fields scrapbook's schema requires, the
 * metadata `glue` writes), and values JSON cannot hold are refused with the place named.
 */
import assert from "node:assert/strict";
import { record, RecordError, SCRAP_MIME, scrapOutput } from "../../kernel/record.ts";
import { toJsonValue } from "../../kernel/record.ts";

Deno.test("record: scrapOutput is scrapbook's JSON scrap with glue's metadata and no text fallback", () => {
  const o = scrapOutput("miou", 0.9459);
  assert.deepEqual(o, {
    data: { [SCRAP_MIME]: { name: "miou", data: 0.9459, encoder: "json", version: 1 } },
    metadata: { scrapbook: { name: "miou", data: true, display: false } },
  });
  assert.equal(SCRAP_MIME, "application/scrapbook.scrap.json+json");
});

Deno.test("record: plain data, typed arrays and non-finite numbers become JSON", () => {
  assert.deepEqual(toJsonValue({ a: [1, "x", true, null], b: { c: NaN, d: -Infinity }, e: undefined }), {
    a: [1, "x", true, null],
    b: { c: null, d: null },
  });
  assert.deepEqual(toJsonValue(new Float32Array([0.5, 2])), [0.5, 2]);
});

Deno.test("record: functions, bigints, class instances and cycles are refused, naming where", () => {
  assert.throws(() => scrapOutput("x", { f: () => 1 }), /record\("x"\): value\.f is a function/);
  assert.throws(() => scrapOutput("x", [1, 2n]), /value\[1\] is a bigint/);
  assert.throws(() => scrapOutput("x", { m: new Map() }), /value\.m is a Map, not a plain object/);
  const cyc: Record<string, unknown> = {};
  cyc.self = cyc;
  assert.throws(() => scrapOutput("x", cyc), /value\.self refers back to itself/);
  assert.throws(() => scrapOutput("", 1), RecordError);
  assert.throws(() => scrapOutput("x", undefined), /value is undefined/);
});

Deno.test("record: outside a kernel it prints the value and returns it", () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    assert.deepEqual(record("best", { miou: 0.5 }), { miou: 0.5 });
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ['record: best = {"miou":0.5}']);
});
