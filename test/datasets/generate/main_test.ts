import { encode } from "fast-png";
import jpeg from "jpeg-js";
import { shippedDataPath } from "../../../datasets/mod.ts";
import { openZip } from "../../../datasets/zip_source.ts";
import { renderCityScene } from "../../../datasets/generate/synthetic_city.ts";
import { renderRoadTile } from "../../../datasets/generate/synthetic_roads.ts";
import { assertSameArray } from "../../support/datasets.ts";

// The committed data must be what the generator makes (`npm run data:generate`; the full
// comparison is `deno run -A datasets/generate/main.ts --check`). Spot-check a few files.
Deno.test("shipped synthetic-roads files are the generator's output, byte for byte", async () => {
  const z = await openZip(shippedDataPath("synthetic-roads"));
  for (
    const [split, i, id] of [["train", 0, "000001"], ["train", 123, "000124"], [
      "val",
      100007,
      "100008",
    ]] as const
  ) {
    const t = renderRoadTile(2018, i, 128);
    assertSameArray(
      await z.read(`${split}/${id}_sat.jpg`),
      jpeg.encode({ width: 128, height: 128, data: t.rgb }, 85).data,
      `${id}_sat.jpg`,
    );
    assertSameArray(
      await z.read(`${split}/${id}_mask.png`),
      encode({ width: 128, height: 128, data: t.mask, channels: 1, depth: 8 }),
      `${id}_mask.png`,
    );
  }
});

Deno.test("shipped synthetic-city files are the generator's output, byte for byte", () => {
  const root = shippedDataPath("synthetic-city");
  const s = renderCityScene(2016, 4); // train scene 4: cities cycle aachen, bremen, zurich
  const name = "bremen_000004_000019";
  const img = Deno.readFileSync(`${root}/leftImg8bit/train/bremen/${name}_leftImg8bit.png`);
  const lab = Deno.readFileSync(`${root}/gtFine/train/bremen/${name}_gtFine_labelTrainIds.png`);
  assertSameArray(
    img,
    encode({ width: 256, height: 128, data: s.rgb, channels: 3, depth: 8 }, { zlib: { level: 9 } }),
    "image",
  );
  assertSameArray(
    lab,
    encode({ width: 256, height: 128, data: s.label, channels: 1, depth: 8 }, { zlib: { level: 9 } }),
    "label",
  );
});
