/**
 * End to end on this machine: a 2 losses × 3 seeds sweep of the roads notebook (tiny parameters)
 * through a pool of two kernels, gathered and compared; a sweep killed mid-way resumes without
 * re-running finished points; failed points are listed, kept, and re-run on request; bad grids
 * and unknown parameters are clear errors.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { nbMain } from "../../../runner/cli.ts";
import { compareSweep } from "../../../runner/sweep/compare.ts";
import { gatherSweep } from "../../../runner/sweep/gather.ts";
import { parseGridArg } from "../../../runner/sweep/grid.ts";
import { readManifest } from "../../../runner/sweep/manifest.ts";
import { runSweep } from "../../../runner/sweep/sweep.ts";
import { tempDir } from "../_support.ts";
import { killStrays, LOSS_BY_SEED, REPO, ROADS, TINY, toyNotebook } from "./_support.ts";

const E2E = { sanitizeOps: false, sanitizeResources: false };
const quiet = { say: () => {}, progress: false };

Deno.test({
  ...E2E,
  name: "sweep (local): the roads notebook, 2 losses × 3 seeds, two kernels at once, gathered and compared",
  async fn() {
    const out = path.join(tempDir("seglab-sweep-"), "roads");
    const r = await runSweep(ROADS, {
      out,
      axes: LOSS_BY_SEED(),
      fixed: TINY,
      jobs: 2,
      timeout: 300,
      ...quiet,
    });
    const m = r.manifest;
    assert.equal(r.exitCode, 0, m.points.map((p) => `${p.name}: ${p.message}`).join("\n"));
    assert.deepEqual(m.points.map((p) => p.name), [
      "loss=ce,seed=1",
      "loss=ce,seed=2",
      "loss=ce,seed=3",
      "loss=hinge,seed=1",
      "loss=hinge,seed=2",
      "loss=hinge,seed=3",
    ]);
    for (const p of m.points) {
      assert.equal(p.status, "completed");
      assert.equal(p.exitCode, 0);
      assert.ok(p.duration! > 0);
      assert.ok(fs.existsSync(path.join(out, p.output)), p.output);
      assert.ok(fs.statSync(path.join(out, p.log)).size > 0, p.log);
      assert.equal(typeof p.records?.miou, "number");
    }
    assert.deepEqual(readManifest(out)!.points.map((p) => p.status), m.points.map(() => "completed"));
    // The cores are divided among the two kernels (the wasm backend's thread count, at most 8).
    const threads = Math.min(8, Math.max(1, Math.floor(os.cpus().length / 2)));
    const log = fs.readFileSync(path.join(out, m.points[0].log), "utf8");
    assert.match(log, new RegExp(`backend wasm \\([^)]*\\b${threads} threads?\\b`), log.slice(0, 2000));
    const t = gatherSweep(out);
    assert.equal(t.numRows(), 6);
    for (const c of ["loss", "seed", "miou", "road_iou", "best_iter", "point", "duration"]) {
      assert.ok(t.columnNames().includes(c), `column ${c} in ${t.columnNames()}`);
    }
    const c = compareSweep(t, { metric: "miou" });
    assert.deepEqual(c.settings.map((s) => [s.setting, s.n]), [["loss=ce", 3], ["loss=hinge", 3]]);
    const d = c.differences[0];
    assert.equal(d.n, 3);
    assert.ok(Number.isFinite(d.low) && Number.isFinite(d.high) && d.low <= d.mean && d.mean <= d.high);
    assert.equal((c.plot().svg.match(/<circle/g) ?? []).length, 6);
    // The same six runs from the "runs" record (one row per training).
    assert.equal(gatherSweep(out, { rows: "runs" }).numRows(), 6);
    // Resuming a finished sweep runs nothing.
    const again = await runSweep(ROADS, { out, axes: LOSS_BY_SEED(), fixed: TINY, ...quiet });
    assert.equal(again.skipped, 6);
    assert.equal(again.ran, 0);
    // The terminal summary of the folder.
    let text = "";
    const code = await nbMain(["sweep", out, "--summary"], { out: (s) => text += s, err: () => {} });
    assert.equal(code, 0);
    assert.match(text, /miou over seed \(mean ± sd\):/);
    assert.match(
      text,
      /Δ loss=hinge − loss=ce: [+−]\d+\.\d\d ± \d+\.\d\d points over 3 paired seeds, 95% CI/,
    );
  },
});

function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - t0 > ms) return reject(new Error(`timed out after ${ms} ms`));
      setTimeout(tick, 200);
    };
    tick();
  });
}

Deno.test({
  ...E2E,
  name: "sweep (local): killed mid-way (SIGKILL), the same command resumes and skips the finished points",
  async fn() {
    const dir = tempDir("seglab-sweep-kill-");
    const nb = toyNotebook(dir);
    const out = path.join(dir, "out");
    const args = ["run", "-A", path.join(REPO, "runner/main.ts"), "sweep", nb, "--out", out];
    const grid = ["-g", "loss=ce,hinge", "-g", "seed=1,2,3", "-p", "sleepMs=800"];
    const child = spawn(Deno.execPath(), [...args, ...grid], { cwd: REPO, stdio: "ignore" });
    const completed = () => readManifestSafe(out).filter((p) => p.status === "completed");
    await waitFor(() => completed().length >= 2, 120_000);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    // The running point's kernel ends by its parent watch within a second; one still starting may not.
    await new Promise((r) => setTimeout(r, 1500));
    killStrays(dir);
    const before = completed();
    assert.ok(before.length >= 2 && before.length < 6, `killed after ${before.length} points`);
    const r = await runSweep(nb, {
      out,
      axes: [parseGridArg("loss=ce,hinge"), parseGridArg("seed=1,2,3")],
      fixed: { sleepMs: 800 },
      ...quiet,
    });
    assert.equal(r.exitCode, 0);
    assert.equal(r.skipped, before.length);
    assert.equal(r.ran, 6 - before.length);
    for (const p of before) {
      const now = r.manifest.points.find((x) => x.name === p.name)!;
      assert.equal(now.endTime, p.endTime, `${p.name} was not run again`);
    }
    assert.deepEqual(r.manifest.points.map((p) => p.status), Array(6).fill("completed"));
    assert.equal(gatherSweep(out).numRows(), 6);
  },
});

function readManifestSafe(out: string) {
  try {
    return readManifest(out)?.points ?? [];
  } catch {
    return [];
  }
}

Deno.test({
  ...E2E,
  name: "sweep (local): a failed point is listed and kept, not re-run, until --retry-failed",
  async fn() {
    const dir = tempDir("seglab-sweep-fail-");
    const nb = toyNotebook(dir);
    const out = path.join(dir, "out");
    const flag = path.join(dir, "fail-now");
    fs.writeFileSync(flag, "");
    const said: string[] = [];
    const opts = {
      out,
      axes: [parseGridArg("seed=1,2")],
      fixed: { failIf: flag },
      say: (l: string) => said.push(l),
      progress: false,
    };
    const r1 = await runSweep(nb, { ...opts, axes: [parseGridArg("seed=1")] });
    assert.equal(r1.exitCode, 1);
    assert.equal(r1.failed.length, 1);
    assert.match(r1.failed[0].message ?? "", /asked to fail/);
    assert.ok(
      said.some((l) => /FAILED seed=1: exit 1, .*asked to fail.*log .*logs\/seed=1\.log/.test(l)),
      said.join("\n"),
    );
    const end1 = r1.failed[0].endTime;
    fs.rmSync(flag);
    said.length = 0;
    const r2 = await runSweep(nb, opts); // adds seed=2; seed=1 stays failed
    assert.equal(r2.exitCode, 1);
    assert.equal(r2.manifest.points.find((p) => p.name === "seed=1")!.endTime, end1);
    assert.equal(r2.manifest.points.find((p) => p.name === "seed=2")!.status, "completed");
    assert.ok(said.some((l) => /1 point\(s\) failed before .*--retry-failed/.test(l)), said.join("\n"));
    const r3 = await runSweep(nb, { ...opts, retryFailed: true });
    assert.equal(r3.exitCode, 0);
    assert.equal(r3.ran, 1);
    assert.deepEqual(r3.manifest.points.map((p) => p.status), ["completed", "completed"]);
  },
});

Deno.test({
  ...E2E,
  name:
    "nb sweep: an unknown parameter, a malformed grid or a changed sweep folder is a one-line error (exit 2)",
  async fn() {
    const dir = tempDir("seglab-sweep-bad-");
    const nb = toyNotebook(dir);
    const run = async (...args: string[]) => {
      let err = "";
      const code = await nbMain(["sweep", nb, "--out", path.join(dir, "o"), ...args], {
        out: () => {},
        err: (s) => err += s,
      });
      return { code, err };
    };
    let r = await run("-g", "sed=1,2");
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /unknown parameter "sed": .*toy\.ipynb's parameters cell declares seed, loss, sleepMs, failIf/,
    );
    r = await run("-g", "seed=[1,2");
    assert.equal(r.code, 2);
    assert.match(r.err, /"\]" missing/);
    r = await run();
    assert.match(r.err, /no grid: give -g name=v1,v2/);
    r = await run("-g", "seed=1", "-p", "loss=hinge");
    assert.equal(r.code, 0, r.err);
    r = await run("-g", "seed=1", "-p", "loss=ce");
    assert.equal(r.code, 2);
    assert.match(r.err, /holds a sweep with another fixed parameters/);
  },
});

Deno.test({
  ...E2E,
  name:
    "sweep: a second sweep on a folder a live process is sweeping is refused; a dead holder's lock is taken over",
  async fn() {
    const dir = tempDir("seglab-sweep-lock-");
    const nb = toyNotebook(dir);
    const out = path.join(dir, "out");
    fs.mkdirSync(out, { recursive: true });
    const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      fs.writeFileSync(
        path.join(out, "sweep.lock"),
        JSON.stringify({ pid: sleeper.pid, host: os.hostname() }),
      );
      await assert.rejects(
        runSweep(nb, { out, axes: [parseGridArg("seed=1")], ...quiet }),
        new RegExp(`another nb sweep \\(pid ${sleeper.pid}\\) is running on`),
      );
    } finally {
      sleeper.kill();
      await new Promise((r) => sleeper.once("exit", r));
    }
    const r = await runSweep(nb, { out, axes: [parseGridArg("seed=1")], ...quiet });
    assert.equal(r.exitCode, 0);
    assert.ok(!fs.existsSync(path.join(out, "sweep.lock")), "released at the end");
  },
});
