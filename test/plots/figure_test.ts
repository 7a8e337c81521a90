import assert from "node:assert/strict";
import { decode } from "fast-png";
import { DISPLAY, type MimeBundle, Plot, plot } from "../../lib/mod.ts";

const data = [{ x: 0, y: 1, run: "CE" }, { x: 1, y: 2, run: "CE" }, { x: 0, y: 2, run: "Lovász" }, {
  x: 1,
  y: 3,
  run: "Lovász",
}];

Deno.test("plot() makes one standalone SVG with xmlns, the legend inside it, and a PNG of it", async () => {
  const fig = plot({
    title: "curves",
    color: { legend: true },
    marks: [Plot.line(data, { x: "x", y: "y", stroke: "run" })],
  });
  assert.match(fig.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(!fig.svg.includes("<figure"), "no HTML figure wrapper");
  assert.ok(
    fig.svg.includes(">Lovász</text>") && fig.svg.includes(">curves</text>"),
    "legend and title drawn in the SVG",
  );
  const bundle = await fig[DISPLAY]() as MimeBundle;
  assert.deepEqual(Object.keys(bundle).sort(), ["image/png", "image/svg+xml", "text/html", "text/plain"]);
  assert.match(String(bundle["text/html"]), /^<img src="data:image\/svg\+xml;base64,/);
  const png = decode(Uint8Array.from(atob(String(bundle["image/png"])), (c) => c.charCodeAt(0)));
  assert.equal(png.width, fig.width * 2);
  assert.equal(png.height, fig.height * 2);
  // Not blank: the line strokes put coloured pixels on the white background.
  const px = png.data as Uint8Array;
  let coloured = 0;
  for (let i = 0; i < px.length; i += png.channels) if (px[i] !== px[i + 2]) coloured++;
  assert.ok(coloured > 100, `only ${coloured} coloured pixels`);
});

Deno.test("plot() draws a continuous colour legend as an SVG gradient (Plot's own needs a canvas)", () => {
  const fig = plot({
    color: { legend: true, type: "linear", scheme: "viridis" },
    marks: [Plot.dot(data, { x: "x", y: "y", fill: "y" })],
  });
  assert.ok(fig.svg.includes("<linearGradient"));
});

Deno.test("figure.save writes SVG or PNG by extension", async () => {
  const dir = Deno.makeTempDirSync();
  const fig = plot({ marks: [Plot.dot(data, { x: "x", y: "y" })] });
  await fig.save(`${dir}/f.svg`);
  await fig.save(`${dir}/f.png`);
  assert.match(Deno.readTextFileSync(`${dir}/f.svg`), /^<svg xmlns/);
  assert.deepEqual(Array.from(Deno.readFileSync(`${dir}/f.png`).slice(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
});
