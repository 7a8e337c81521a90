/**
 * A real one-node Slurm for tests (Debian's slurmctld, slurmd and munge, as root): munged first
 * (reused when one already answers), then slurmctld and slurmd on free ports with a minimal
 * configuration in a temporary folder (proctrack/linuxproc, task/none, no accounting daemon),
 * `SLURM_CONF` pointing at it for the Slurm commands the code under test runs. Everything it
 * started is stopped by its pid at the end.
 *
 * `slurmTest(name, fn)` runs `fn` with the cluster, reports itself skipped with the reason where
 * the cluster cannot run (not root, a package missing), and FAILS instead under
 * `SEGLAB_REQUIRE_SLURM=1` (set by `.ci/run`).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";

/** A running test cluster. */
export interface SlurmCluster {
  dir: string;
  conf: string;
  /** Environment for the Slurm commands (`SLURM_CONF`). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const REQUIRE = Deno.env.get("SEGLAB_REQUIRE_SLURM") === "1";

function which(cmd: string): string | undefined {
  for (const d of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"])) {
    const p = path.join(d, cmd);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Why a cluster cannot run here, or undefined when it can. */
export function slurmMissing(): string | undefined {
  if (process.platform !== "linux") return "Slurm tests run on Linux";
  if (process.getuid?.() !== 0) return "the test cluster runs its daemons as root (SlurmUser=root); not root";
  const need = ["slurmctld", "slurmd", "munged", "munge", "unmunge", "sbatch", "squeue", "scontrol", "sinfo"];
  const missing = need.filter((c) => !which(c));
  if (missing.length) {
    return `${missing.join(", ")} not installed (apt-get install slurmctld slurmd slurm-client munge)`;
  }
  if (!fs.existsSync("/etc/munge/munge.key")) {
    return "/etc/munge/munge.key missing (the munge package makes it)";
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(cmd: string, args: string[], env?: Record<string, string>) {
  return spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 30_000 });
}

function mungeWorks(): boolean {
  const r = spawnSync("sh", ["-c", "munge -n | unmunge"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0;
}

function pidOf(file: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(file, "utf8").trim());
    return n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number | undefined): Promise<void> {
  if (!pid || !alive(pid)) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, "SIGKILL");
}

/** Starts the cluster; throws with the daemons' logs when it does not come up. */
export async function startSlurm(): Promise<SlurmCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-slurm-"));
  for (const d of ["state", "spool", "log"]) fs.mkdirSync(path.join(dir, d));
  let mungePid: number | undefined;
  if (!mungeWorks()) {
    fs.mkdirSync("/run/munge", { recursive: true });
    run("chown", ["munge:munge", "/run/munge"]);
    const r = run("su", ["-s", "/bin/sh", "munge", "-c", "/usr/sbin/munged"]);
    if (r.status !== 0) throw new Error(`munged did not start: ${r.stderr || r.stdout}`);
    mungePid = pidOf("/run/munge/munged.pid");
    for (let i = 0; i < 50 && !mungeWorks(); i++) await sleep(100);
    if (!mungeWorks()) throw new Error("munged started but munge -n | unmunge fails");
  }
  const host = os.hostname();
  const mem = Math.floor(os.totalmem() / 2 ** 20 * 0.8);
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, "slurm.conf");
  fs.writeFileSync(
    conf,
    [
      "ClusterName=seglabtest",
      `SlurmctldHost=${host}`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/ctld.log`,
      `SlurmdLogFile=${dir}/log/d.log`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_CPU",
      "ReturnToService=2",
      "MpiDefault=none",
      "JobAcctGatherType=jobacct_gather/none",
      "MinJobAge=600",
      `NodeName=${host} CPUs=${os.cpus().length} RealMemory=${mem} State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  const env = { SLURM_CONF: conf };
  const logs = () =>
    ["ctld.log", "d.log"].map((f) => {
      try {
        return `--- ${f}\n${
          fs.readFileSync(path.join(dir, "log", f), "utf8").split("\n").slice(-15).join("\n")
        }`;
      } catch {
        return `--- ${f}: none`;
      }
    }).join("\n");
  const stop = async () => {
    run("scancel", ["--quiet", "-u", "root"], env);
    await stopPid(pidOf(path.join(dir, "slurmd.pid")));
    await stopPid(pidOf(path.join(dir, "slurmctld.pid")));
    await stopPid(mungePid);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const c = run("slurmctld", ["-f", conf], env);
  const d = run("slurmd", ["-f", conf], env);
  if (c.status !== 0 || d.status !== 0) {
    const why = `slurmctld: ${c.status} ${c.stderr}; slurmd: ${d.status} ${d.stderr}\n${logs()}`;
    await stop();
    throw new Error(`the test Slurm did not start: ${why}`);
  }
  for (let i = 0; i < 100; i++) {
    const s = run("sinfo", ["-h", "-o", "%t"], env);
    if (s.status === 0 && /^idle/m.test(s.stdout)) return { dir, conf, env, stop };
    await sleep(300);
  }
  const state = run("sinfo", ["-h", "-o", "%t %E"], env).stdout;
  const msg = `the test Slurm's node is not idle after 30 s (sinfo: ${state.trim()})\n${logs()}`;
  await stop();
  throw new Error(msg);
}

/** A test that needs the cluster: skipped with the reason where it cannot run, failing under SEGLAB_REQUIRE_SLURM=1. */
export function slurmTest(name: string, fn: (c: SlurmCluster) => Promise<void>): void {
  const missing = slurmMissing();
  Deno.test({
    name: missing && !REQUIRE ? `${name} (skipped: ${missing})` : name,
    ignore: Boolean(missing) && !REQUIRE,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      if (missing) throw new Error(`SEGLAB_REQUIRE_SLURM=1 but ${missing}`);
      const cluster = await startSlurm();
      const saved = Deno.env.get("SLURM_CONF");
      Deno.env.set("SLURM_CONF", cluster.conf);
      try {
        await fn(cluster);
      } finally {
        if (saved === undefined) Deno.env.delete("SLURM_CONF");
        else Deno.env.set("SLURM_CONF", saved);
        await cluster.stop();
      }
    },
  });
}
