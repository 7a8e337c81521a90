import assert from "node:assert/strict";
import {
  display,
  getOutputSink,
  type MimeBundle,
  Progress,
  ready,
  setOutputSink,
  tf,
} from "../../lib/mod.ts";
import { progressLine, toMimeBundle } from "../../lib/display/mod.ts";
import type { DisplayOptions } from "../../lib/mod.ts";
import type { ProgressState } from "../../lib/display/mod.ts";

function recordingSink(withProgress: boolean) {
  const shown: { bundle: MimeBundle; opts: DisplayOptions }[] = [];
  const states: ProgressState[] = [];
  const sink = {
    name: "test",
    display(bundle: MimeBundle | Promise<MimeBundle>, opts: DisplayOptions) {
      shown.push({ bundle: bundle as MimeBundle, opts });
    },
    ...(withProgress ? { progress: (s: ProgressState) => void states.push(s) } : {}),
  };
  return { sink, shown, states };
}

Deno.test("display() goes through the installed sink, and update() replaces by display id", () => {
  const { sink, shown } = recordingSink(false);
  setOutputSink(sink);
  try {
    const h = display({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>x</b>" }) });
    h.update("second");
    assert.equal(shown.length, 2);
    assert.equal(shown[0].bundle["text/html"], "<b>x</b>");
    assert.equal(typeof shown[0].bundle["text/plain"], "string");
    assert.equal(shown[1].opts.displayId, shown[0].opts.displayId);
    assert.equal(shown[1].opts.update, true);
  } finally {
    setOutputSink(null);
  }
  assert.equal(getOutputSink().name, "terminal");
});

Deno.test("Progress renders as an updating display in a kernel-like sink, throttled, final state always shown", () => {
  const { sink, shown } = recordingSink(false);
  setOutputSink(sink);
  try {
    const p = new Progress({ total: 1000, label: "train", minIntervalMs: 1e9 });
    for (let i = 1; i <= 1000; i++) p.update(i, { loss: 1 / i });
    p.done({ mIoU: 0.5 });
    assert.ok(shown.length <= 3, `${shown.length} redraws for 1000 updates`);
    const last = shown[shown.length - 1];
    assert.match(String(last.bundle["text/plain"]), /train 100% .* 1000\/1000 .*mIoU=0\.5000/);
    assert.match(String(last.bundle["text/html"]), /<progress value="1000" max="1000"/);
    assert.ok(shown.slice(1).every((s) => s.opts.update && s.opts.displayId === p.id));
  } finally {
    setOutputSink(null);
  }
});

Deno.test("Progress uses a sink's own progress drawing when it has one; fail() keeps the count", () => {
  const { sink, states } = recordingSink(true);
  setOutputSink(sink);
  try {
    const p = new Progress({ total: 10, label: "eval" }).start();
    p.tick(3);
    p.fail({ error: "NaN" });
    const last = states[states.length - 1];
    assert.equal(last.status, "failed");
    assert.equal(last.value, 3);
    assert.match(progressLine(last), /eval +30% .*3\/10.*error=NaN \(failed\)/);
  } finally {
    setOutputSink(null);
  }
});

Deno.test("toMimeBundle: tensors show shape, dtype and stats; PNG bytes become image/png; SVG gets xmlns", async () => {
  await ready("cpu", { quiet: true });
  const t = tf.tensor2d([[1, 2], [3, 4]]);
  assert.match(
    String((toMimeBundle(t) as MimeBundle)["text/plain"]),
    /Tensor float32 \[2,2\] min 1 max 4 mean 2\.5000/,
  );
  const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10);
  assert.equal((toMimeBundle(png) as MimeBundle)["image/png"], "iVBORw0KGgo=");
  const svg = toMimeBundle({ outerHTML: "<svg width='1'></svg>" }) as MimeBundle;
  assert.match(String(svg["image/svg+xml"]), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const text = String((toMimeBundle({ a: 1 }) as MimeBundle)["text/plain"]);
  assert.ok(!text.includes("\x1b["), "no ANSI codes");
});

Deno.test("progressBundle: HTML has one bar (no █ text bar), each field in its own monospace <samp>, wrapping", async () => {
  const { progressBundle } = await import("../../lib/display/progress_format.ts");
  const b = progressBundle(
    {
      id: "p1",
      label: "train",
      unit: "it",
      value: 45,
      total: 100,
      startedAt: 0,
      now: 12_000,
      status: "running",
      info: { loss: 0.321, mIoU: 0.7123, lr: 0.01 },
    } as Parameters<typeof progressBundle>[0],
  );
  const html = String(b["text/html"]);
  assert.match(String(b["text/plain"]), /█/, "the text form keeps its bar");
  assert.ok(!/[█░]/.test(html), "no text bar in the HTML");
  assert.equal(html.match(/<progress /g)?.length, 1);
  const fields = [...html.matchAll(/<samp[^>]*>([^<]*)<\/samp>/g)].map((m) => m[1]);
  assert.deepEqual(fields.slice(0, 3), ["train", "45%", "45/100"]);
  assert.ok(fields.includes("mIoU=0.7123") && fields.includes("loss=0.3210"), fields.join(" | "));
  assert.ok(!/white-space:pre[;"]/.test(html), "fields wrap instead of one long pre line");
});
