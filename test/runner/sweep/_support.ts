/** Fixtures for the sweep tests: the roads notebook at tiny parameters, and a fast toy notebook. */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseGridArg } from "../../../runner/sweep/grid.ts";
import { notebook, writeNotebook } from "../_support.ts";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const ROADS = path.join(REPO, "notebooks", "lovasz_hinge_roads.ipynb");

/** Tiny training: a few seconds per point. */
export const TINY = {
  iters: 4,
  crop: 32,
  batchSize: 2,
  evalInterval: 2,
  evalSamples: 4,
  baseChannels: 4,
  depth: 2,
};

/** The 2 losses × 3 seeds grid. */
export const LOSS_BY_SEED = () => [parseGridArg("loss=ce,hinge"), parseGridArg("seed=1,2,3")];

const RECORD_TS = fileURLToPath(new URL("../../../kernel/record.ts", import.meta.url));

/**
 * A notebook that records `miou` from its parameters after `sleepMs`, and raises when the file
 * `failIf` exists (a failure the test can switch off).
 */
export function toyNotebook(dir: string, name = "toy.ipynb"): string {
  return writeNotebook(
    dir,
    name,
    notebook([
      ["code", `const seed = 1;\nconst loss = "ce";\nconst sleepMs = 0;\nconst failIf = "";`, ["parameters"]],
      [
        "code",
        `import { record } from ${JSON.stringify(RECORD_TS)};\n` +
        `import { existsSync } from "node:fs";\n` +
        `await new Promise((r) => setTimeout(r, sleepMs));\n` +
        `if (failIf && existsSync(failIf)) throw new Error("asked to fail");\n` +
        `record("miou", 0.9 + (loss === "hinge" ? 0.01 : 0) + seed / 1000);`,
      ],
    ], "seglab"),
  );
}

/**
 * Kills the processes whose working directory is under `dir` (kernels of a runner the test killed
 * with SIGKILL: one killed while it was still starting misses its parent watch and would linger).
 * Returns how many there were.
 */
export function killStrays(dir: string): number {
  let n = 0;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const cwd = Deno.readLinkSync(`/proc/${entry.name}/cwd`);
      if (cwd === dir || cwd.startsWith(dir + "/")) {
        Deno.kill(Number(entry.name), "SIGKILL");
        n++;
      }
    } catch { /* gone, or not ours to read */ }
  }
  return n;
}
