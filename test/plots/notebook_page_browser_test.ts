/**
 * A notebook page as a researcher sees it: a notebook with a seglab figure runs through the
 * headless runner (`--html`), and the page opens in headless Chromium. Its figures load, their
 * tick labels are centred on their ticks in Plot's 10 px font, no output runs wider than its
 * column, and the figure on screen matches the PNG seglab makes of it. The screenshot is kept
 * (in $SEGLAB_NOTEBOOK_OUT when set, for CI artifacts).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { decode } from "fast-png";
import { runNotebook } from "../../runner/mod.ts";
import { svgToPng } from "../../lib/plots/rasterize.ts";
import { chromiumTest, withPage } from "../support/chromium.ts";

const CELLS = [
  `import { Plot, plot } from "seglab";
const curve = Array.from({ length: 21 }, (_, i) => ({ iter: i * 5, loss: 1 + Math.exp(-i / 5) }));`,
  `plot({ title: "training loss", y: { label: "scaled loss", grid: true }, x: { label: "iteration" },
  marks: [Plot.line(curve, { x: "iter", y: "loss" }), Plot.dot(curve, { x: "iter", y: "loss" })] })`,
  // A training-style progress line with many fields: it must wrap inside the column.
  `import { Progress } from "seglab";
const p = new Progress({ total: 2000, label: "train lovasz_hinge_roads seed 3", unit: "it", minIntervalMs: 0 });
p.update(1234, { loss: 0.123456, lr: 0.00012, mIoU: 0.7123, "road IoU": 0.5234, "val loss": 0.4321, "img/s": 12.5, epoch: 17 });
p.done({ mIoU: 0.7321 });`,
];

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "seglab", display_name: "seglab", language: "typescript" } },
    cells: [
      { cell_type: "markdown", id: "m0", metadata: {}, source: "# Figures in the browser" },
      ...cells.map((source, i) => ({
        cell_type: "code",
        id: `c${i}`,
        metadata: {},
        source,
        outputs: [],
        execution_count: null,
      })),
    ],
  });
}

interface PageFacts {
  images: { loaded: boolean; svg: string | null; box: { x: number; y: number; w: number; h: number } }[];
  overflowing: string[];
}

chromiumTest(
  "notebook page in Chromium: figures load, Plot's labels centred in its font, nothing overflows",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "seglab-page-" });
    const out = Deno.env.get("SEGLAB_NOTEBOOK_OUT") || dir;
    await Deno.mkdir(out, { recursive: true });
    const input = path.join(dir, "figures.ipynb");
    await Deno.writeTextFile(input, notebook(CELLS));
    const run = await runNotebook(input, {
      kernel: "seglab",
      out: path.join(out, "figures_page.ipynb"),
      html: true,
      timeout: 120,
      log: () => {},
    });
    assert.equal(run.exitCode, 0, run.message);
    const url = new URL(`file://${run.html}`).href;
    await withPage(async (page) => {
      await page.goto(url, { waitUntil: "load" });
      const facts = await page.evaluate(`(async () => {
      const images = [];
      for (const img of Array.from(document.images)) {
        await img.decode().catch(() => {});
        const r = img.getBoundingClientRect();
        const src = img.getAttribute("src") ?? "";
        const svg = src.startsWith("data:image/svg+xml;base64,")
          ? new TextDecoder().decode(Uint8Array.from(atob(src.slice(26)), (c) => c.charCodeAt(0)))
          : null;
        images.push({
          loaded: img.complete && img.naturalWidth > 0,
          svg,
          box: { x: r.x + scrollX, y: r.y + scrollY, w: r.width, h: r.height },
        });
      }
      const overflowing = Array.from(document.querySelectorAll(".outputs > *"))
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => \`\${e.className}: \${e.scrollWidth} px in \${e.clientWidth} px\`);
      return { images, overflowing };
    })()`) as PageFacts;
      const shot = await page.screenshot({
        type: "png",
        fullPage: true,
        path: path.join(out, "figures_page.png"),
      });
      assert.deepEqual(facts.overflowing, [], "outputs wider than the page column");
      const progress = await page.evaluate(`(() => {
      const bar = document.querySelector(".outputs progress");
      const box = bar && bar.closest(".html");
      return box ? { text: box.innerText, width: box.scrollWidth, column: box.clientWidth, samp: box.querySelectorAll("samp").length } : null;
    })()`) as { text: string; width: number; column: number; samp: number } | null;
      assert.ok(progress, "the progress display shows as HTML with a <progress> bar");
      assert.ok(!/[█░]/.test(progress.text), "no second, text bar beside the HTML one");
      assert.ok(
        progress.width <= progress.column + 1,
        `progress is ${progress.width} px in a ${progress.column} px column`,
      );
      assert.match(progress.text, /mIoU=0\.7321/);
      const figures = facts.images.filter((i) => i.svg);
      assert.equal(figures.length, 1, "the figure shows as an <img> of its SVG");
      assert.ok(facts.images.every((i) => i.loaded), "every image decodes");

      // The same SVG inline: Chromium lays out Plot's tick labels centred on their ticks, in 10 px.
      const labels = await page.evaluate(`((svg) => {
      const holder = document.createElement("div");
      holder.innerHTML = svg;
      document.body.append(holder);
      return Array.from(holder.querySelectorAll('[aria-label="x-axis tick label"] text')).map((t) => {
        const b = t.getBBox();
        return { text: t.textContent, centre: b.x + b.width / 2, size: getComputedStyle(t).fontSize };
      });
    })(${JSON.stringify(figures[0].svg)})`) as { text: string; centre: number; size: string }[];
      assert.ok(labels.length >= 5, `x tick labels: ${JSON.stringify(labels)}`);
      for (const l of labels) {
        assert.ok(
          Math.abs(l.centre) < 1,
          `tick label ${l.text} is centred on its tick (${l.centre.toFixed(1)} px off)`,
        );
        assert.equal(l.size, "10px", `tick label ${l.text} in Plot's font size`);
      }

      // On screen, the figure matches seglab's own PNG of it (resvg) up to font antialiasing.
      const png = decode(shot), ours = decode((await svgToPng(figures[0].svg!, { scale: 1 }))!);
      const box = figures[0].box;
      assert.equal(Math.round(box.w), ours.width);
      let differ = 0;
      for (let y = 0; y < ours.height; y++) {
        for (let x = 0; x < ours.width; x++) {
          const a = ((Math.round(box.y) + y) * png.width + Math.round(box.x) + x) * png.channels!;
          const b = (y * ours.width + x) * ours.channels!;
          if ([0, 1, 2].some((c) => Math.abs(png.data[a + c] - ours.data[b + c]) > 96)) differ++;
        }
      }
      const share = differ / (ours.width * ours.height);
      console.log(`figure on screen vs seglab's PNG: ${(share * 100).toFixed(2)}% of pixels differ`);
      assert.ok(share < 0.02, `${(share * 100).toFixed(2)}% of the figure's pixels differ from seglab's PNG`);
    });
    // Reached only on success: a failure leaves the folder (notebook, page, screenshot) to look at.
    await Deno.remove(dir, { recursive: true });
  },
);
