/**
 * The library built for Node (`dist/`, what `npm run build` emits), rebuilt when a source file is
 * newer, for tests that run it under Node or tslab.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Builds dist/ when it is missing or older than a library source file. */
export async function freshDist(): Promise<void> {
  let built = 0;
  try {
    built = (await Deno.stat(`${ROOT}dist/lib/mod.js`)).mtime?.getTime() ?? 0;
  } catch { /* not built */ }
  let newest = 0;
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (p.endsWith(".ts")) newest = Math.max(newest, (await Deno.stat(p)).mtime?.getTime() ?? 0);
    }
  };
  await walk(`${ROOT}lib`);
  await walk(`${ROOT}datasets`);
  if (built >= newest) return;
  const out = await new Deno.Command("node", {
    args: ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
    cwd: ROOT,
    stderr: "piped",
    stdout: "piped",
  }).output();
  assert.ok(
    out.success,
    `npm run build failed:\n${new TextDecoder().decode(out.stdout)}${new TextDecoder().decode(out.stderr)}`,
  );
}
