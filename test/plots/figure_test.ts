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

/**
 * Pixels that differ by more than 40 in any channel between two PNGs (`a` read from row
 * `rowsFromA`), as a share of all pixels and of `b`'s ink (non-white) pixels.
 */
function differingShare(a: Uint8Array, b: Uint8Array, rowsFromA: number): { all: number; ink: number } {
  const pa = decode(a), pb = decode(b);
  assert.equal(pa.width, pb.width);
  const ch = pa.channels!;
  let differ = 0, ink = 0;
  for (let y = 0; y < pb.height; y++) {
    for (let x = 0; x < pb.width; x++) {
      const ia = ((y + rowsFromA) * pa.width + x) * ch, ib = (y * pb.width + x) * ch;
      if (pb.data[ib] < 250 || pb.data[ib + 1] < 250 || pb.data[ib + 2] < 250) ink++;
      for (let c = 0; c < 3; c++) {
        if (Math.abs(pa.data[ia + c] - pb.data[ib + c]) > 40) {
          differ++;
          break;
        }
      }
    }
  }
  return { all: differ / (pb.width * pb.height), ink: differ / Math.max(1, ink) };
}

Deno.test("plot() keeps Plot's fonts, anchors and colours: its PNG matches Plot's own SVG below the title", async () => {
  const { plotDocument } = await import("../../lib/plots/document.ts");
  const { svgToPng } = await import("../../lib/plots/rasterize.ts");
  const curve = Array.from({ length: 11 }, (_, i) => ({ iter: i * 10, loss: 1 + Math.exp(-i / 3) }));
  const options = {
    y: { label: "scaled loss", grid: true },
    x: { label: "iteration" },
    marks: [
      Plot.line(curve, { x: "iter", y: "loss" }),
      Plot.dot(curve, { x: "iter", y: "loss", fill: "red" }),
    ],
  };
  const fig = plot({ title: "loss curve", ...options });
  const plotSvg = fig.svg.match(/<svg x="0" y="(\d+)"[^>]*>/);
  assert.ok(plotSvg, "the figure nests Plot's <svg>");
  for (const attr of ['font-family="system-ui, sans-serif"', 'font-size="10"', 'text-anchor="middle"']) {
    assert.ok(plotSvg[0].includes(attr), `Plot's root ${attr} kept: ${plotSvg[0]}`);
  }
  assert.match(plotSvg[0], /fill="currentColor"/);
  const raw = (Plot.plot({ ...options, document: plotDocument() } as Plot.PlotOptions) as unknown as {
    outerHTML: string;
  }).outerHTML.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
  const ours = await fig.png({ scale: 1 });
  const theirs = await svgToPng(raw, { scale: 1 });
  assert.ok(ours && theirs, "resvg renders both");
  const share = differingShare(ours, theirs, Number(plotSvg[1]));
  const what = `${(share.all * 100).toFixed(2)}% of the plot area's pixels (${
    (share.ink * 100).toFixed(1)
  }% of its ink) differ from Plot's own SVG`;
  assert.ok(share.all < 0.01 && share.ink < 0.05, what);
});
