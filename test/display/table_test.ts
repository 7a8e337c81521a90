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
