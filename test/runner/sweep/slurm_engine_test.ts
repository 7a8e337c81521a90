/**
 * The Slurm engine: the job-array script, then end to end against a real one-node Slurm started
 * by the test (see test/support/slurm.ts): a 2 losses × 3 seeds sweep of the roads notebook
 * (tiny parameters) as one job array, gathered and compared; and a sweep whose submitting process
 * is killed after submitting, resumed by the same command without a second submission.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { compareSweep } from "../../../runner/sweep/compare.ts";
import { gatherSweep } from "../../../runner/sweep/gather.ts";
import { parseGridArg } from "../../../runner/sweep/grid.ts";
import { readManifest, type SweepPoint } from "../../../runner/sweep/manifest.ts";
import { arraySpec, sbatchScript, slurmCommand } from "../../../runner/sweep/slurm_engine.ts";
import { runSweep } from "../../../runner/sweep/sweep.ts";
import { slurmTest } from "../../support/slurm.ts";
import { tempDir } from "../_support.ts";
import { LOSS_BY_SEED, REPO, ROADS, TINY, toyNotebook } from "./_support.ts";

Deno.test("slurm engine: array indices are the points' manifest indices, compacted", () => {
  assert.equal(arraySpec([0, 1, 2, 3]), "0-3");
  assert.equal(arraySpec([5, 0, 2, 3, 9]), "0,2-3,5,9");
});

Deno.test("slurm engine: the script asks for the resources, passes sbatch options through, runs this checkout's Deno", () => {
  const pts = [{ index: 2 }, { index: 3 }] as SweepPoint[];
  const s = sbatchScript("/data/sw", pts, {
    cpusPerTask: 4,
    time: "1:00:00",
    mem: "8G",
    sbatchArgs: ["--partition=debug", "--qos=short"],
    say: () => {},
  });
  assert.match(s, /^#!\/bin\/bash\n/);
  for (
    const line of [
      "#SBATCH --array=2-3",
      "#SBATCH --cpus-per-task=4",
      "#SBATCH --time=1:00:00",
      "#SBATCH --mem=8G",
      "#SBATCH --partition=debug",
      "#SBATCH --qos=short",
      "#SBATCH --output=/data/sw/logs/slurm-%A_%a.out",
      'export SEGLAB_WASM_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    ]
  ) assert.ok(s.includes(`${line}\n`), `${line} in\n${s}`);
  assert.ok(
    s.includes(
      `exec ${Deno.execPath()} run -A ${
        path.join(REPO, "runner/sweep/task_main.ts")
      } /data/sw "$SLURM_ARRAY_TASK_ID"`,
    ),
    s,
  );
  // sbatch stops reading #SBATCH lines at the first command: all of them come first.
  const firstCommand = s.split("\n").findIndex((l) => l && !l.startsWith("#"));
  assert.ok(s.split("\n").slice(firstCommand).every((l) => !l.startsWith("#SBATCH")));
});

Deno.test("slurm engine: a missing Slurm command is a one-line error saying what is needed", () => {
  assert.throws(
    () => slurmCommand("sbatch-not-installed-here", ["--parsable", "x.sbatch"]),
    /sbatch-not-installed-here not found: --engine slurm needs Slurm's commands \(sbatch, squeue, scontrol\) on PATH/,
  );
  assert.throws(() => slurmCommand("false", []), /: false failed \(exit 1\)/);
});

const quiet = { say: () => {}, progress: false };

slurmTest(
  "slurm engine: a 2 × 3 sweep of the roads notebook as one job array; a killed submitter resumes",
  async () => {
    // 1. The roads notebook, 2 losses × 3 seeds, tiny parameters.
    const out = path.join(tempDir("seglab-slurm-sweep-"), "roads");
    const r = await runSweep(ROADS, {
      out,
      axes: LOSS_BY_SEED(),
      fixed: TINY,
      engine: "slurm",
      timeout: 300,
      slurm: { cpusPerTask: 1, pollSeconds: 1 },
      ...quiet,
    });
    const m = r.manifest;
    assert.equal(r.exitCode, 0, m.points.map((p) => `${p.name}: ${p.status} ${p.message ?? ""}`).join("\n"));
    assert.equal(m.slurm?.submissions.length, 1);
    const job = m.slurm!.submissions[0].jobId;
    assert.deepEqual(m.points.map((p) => p.slurmJob), m.points.map((p) => `${job}_${p.index}`));
    for (const p of m.points) {
      assert.equal(p.status, "completed");
      assert.ok(fs.existsSync(path.join(out, p.output)));
      assert.ok(
        fs.existsSync(path.join(out, "logs", `slurm-${p.slurmJob}.out`)),
        `Slurm's own log of ${p.slurmJob}`,
      );
    }
    const c = compareSweep(gatherSweep(out), { metric: "miou" });
    assert.deepEqual(c.settings.map((s) => s.n), [3, 3]);
    assert.equal(c.differences[0].n, 3);

    // 2. The submitting process dies after submitting; the same command follows the same job.
    const dir = tempDir("seglab-slurm-kill-");
    const nb = toyNotebook(dir);
    const out2 = path.join(dir, "out");
    const grid = ["-g", "loss=ce,hinge", "-g", "seed=1,2", "-p", "sleepMs=3000"];
    const child = spawn(
      Deno.execPath(),
      [
        "run",
        "-A",
        path.join(REPO, "runner/main.ts"),
        "sweep",
        nb,
        "--out",
        out2,
        "--engine",
        "slurm",
        "--poll",
        "1",
        ...grid,
      ],
      { cwd: REPO, stdio: "ignore", env: { ...Deno.env.toObject() } },
    );
    const t0 = Date.now();
    while (!(readManifestSafe(out2)?.slurm?.submissions.length)) {
      if (Date.now() - t0 > 60_000) throw new Error("the sweep was not submitted within 60 s");
      await new Promise((res) => setTimeout(res, 200));
    }
    child.kill("SIGKILL");
    await new Promise((res) => child.once("exit", res));
    const r2 = await runSweep(nb, {
      out: out2,
      axes: [parseGridArg("loss=ce,hinge"), parseGridArg("seed=1,2")],
      fixed: { sleepMs: 3000 },
      engine: "slurm",
      slurm: { pollSeconds: 1 },
      ...quiet,
    });
    assert.equal(
      r2.exitCode,
      0,
      r2.manifest.points.map((p) => `${p.name}: ${p.status} ${p.message ?? ""}`).join("\n"),
    );
    assert.equal(r2.manifest.slurm!.submissions.length, 1, "followed the first job, did not submit again");
    assert.deepEqual(r2.manifest.points.map((p) => p.status), Array(4).fill("completed"));
    assert.equal(gatherSweep(out2).numRows(), 4);
  },
);

function readManifestSafe(dir: string) {
  try {
    return readManifest(dir);
  } catch {
    return undefined;
  }
}
