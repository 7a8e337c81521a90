/**
 * Regenerates the shipped data sets under `datasets/data/` (`npm run data:generate`):
 * `synthetic_roads.zip` and `synthetic_city/`. Deterministic: the same bytes every run, so the
 * committed files can be checked against this script (`--check` compares instead of writing).
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../../lib/core/files.ts";
import { buildSyntheticCity } from "./synthetic_city.ts";
import { buildSyntheticRoads } from "./synthetic_roads.ts";

const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "data");
const check = process.argv.includes("--check");
let mismatches = 0;

async function put(rel: string, data: Uint8Array | string): Promise<void> {
  const file = path.join(dataDir, rel);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  if (check) {
    const old = fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : null;
    if (!old || old.length !== bytes.length || old.some((v, i) => v !== bytes[i])) {
      console.error(`differs: ${rel}`);
      mismatches++;
    }
    return;
  }
  await writeFileAtomic(file, bytes);
}

const roads = await buildSyntheticRoads();
await put("synthetic_roads.zip", roads.zip);
console.log(
  `synthetic_roads.zip: ${(roads.zip.length / 1024).toFixed(0)} KiB, roads ${
    (100 * roads.roadFraction).toFixed(2)
  }% of pixels, ignored ${(100 * roads.ignoredFraction).toFixed(2)}%`,
);

const city = buildSyntheticCity();
if (!check) fs.rmSync(path.join(dataDir, "synthetic_city"), { recursive: true, force: true });
let bytes = 0;
for (const [rel, data] of city.files) {
  await put(path.join("synthetic_city", rel), data);
  bytes += typeof data === "string" ? data.length : data.length;
}
console.log(
  `synthetic_city/: ${city.files.size} files, ${(bytes / 1024).toFixed(0)} KiB; class shares ${
    city.classFractions.map((f) => (100 * f).toFixed(2) + "%").join(", ")
  }`,
);
if (check) {
  console.log(
    mismatches ? `${mismatches} files differ from the generator` : "the shipped data matches the generator",
  );
  if (mismatches) process.exit(1);
}
