#!/usr/bin/env node
// `npm run setup`: installs the npm packages (Deno among them), then lets Deno lay node_modules out
// its own way (deno.json's nodeModulesDir: "auto"). Done once per change of package.json,
// package-lock.json or deno.json: a stamp in node_modules records what was installed. Running
// `npm install` again over Deno's layout (every `pretest`, `prebuild`, `predemo` did) is wasted
// minutes at best, and at worst npm stumbles on the links Deno made (seen in CI: ENOTDIR under
// node_modules/tslab) — so the pre-scripts share this one step and it runs only when needed.
// `--force` reinstalls. Plain Node, no dependencies.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STAMP = join(ROOT, "node_modules", ".seglab-setup");

/** What the install depends on. */
export function setupKey(root = ROOT) {
  const h = createHash("sha256");
  for (const f of ["package.json", "package-lock.json", "deno.json"]) {
    const p = join(root, f);
    h.update(f).update(existsSync(p) ? readFileSync(p) : "");
  }
  return h.digest("hex");
}

/** True when node_modules holds what the current files ask for. */
export function upToDate(root = ROOT) {
  const stamp = join(root, "node_modules", ".seglab-setup");
  return existsSync(stamp) && existsSync(join(root, "node_modules", ".bin", "deno")) &&
    readFileSync(stamp, "utf8").trim() === setupKey(root);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes("--force") && upToDate()) process.exit(0);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  execFileSync(join(ROOT, "node_modules", ".bin", "deno"), ["install", "--quiet"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  writeFileSync(STAMP, setupKey() + "\n");
}
