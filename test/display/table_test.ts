import assert from "node:assert/strict";
import * as aq from "arquero";
import { type MimeBundle, table } from "../../lib/mod.ts";
import { toMimeBundle } from "../../lib/display/mod.ts";

Deno.test("arquero tables display as HTML and aligned text, with a row limit", () => {
  const dt = aq.table({ iter: [1, 2, 3], loss: [0.5, 0.25, 1e-5], name: ["a", "<b>", "c"] });
  const b = toMimeBundle(dt) as MimeBundle;
  const text = String(b["text/plain"]);
  assert.match(text, /^iter {6}loss {2}name\n/);
  assert.match(text, /1\.000e-5/);
  assert.match(text, /\(3 rows × 3 columns\)/);
  assert.ok(String(b["text/html"]).includes("&lt;b&gt;"), "HTML is escaped");
  const limited = toMimeBundle(table(dt, { limit: 2 })) as MimeBundle;
  assert.match(String(limited["text/plain"]), /… 1 more rows/);
});

Deno.test("table() takes an array of plain objects; other input gets a one-line error naming the fix", () => {
  const b = toMimeBundle(table([{ a: 1, run: "CE" }, { a: 2.5, extra: true }])) as MimeBundle;
  const text = String(b["text/plain"]);
  assert.match(text, /^ {5}a {2}run {2}extra\n/);
  assert.match(text, /^2\.5000 +true$/m);
  assert.match(text, /\(2 rows × 3 columns\)/);
  assert.match(String(b["text/html"]), /<th[^>]*>extra<\/th>/);
  assert.throws(
    () => table([{ a: 1 }, 5] as never),
    /table: expected an arquero table or an array of plain objects \(rows\), got an array whose item 1 is 5/,
  );
  assert.throws(() => table(new Map() as never), /got Map; e\.g\. table\(\[\{ run: "CE", mIoU: 0\.71 \}\]\)/);
});
