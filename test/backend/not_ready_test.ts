/** `tf` used before `ready()` gets seglab's one-line explanation, with the caller's frame first. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

Deno.test("tf before ready(): seglab's error says to await ready(), without TensorFlow.js's frames", async () => {
  // A fresh process: in this one another test may already have started a backend.
  const code = `import { tf } from "./lib/mod.ts";
try { tf.tensor([1, 2]).add(1); console.log("no error"); }
catch (e) { console.log(e.name); console.log(e.stack); }`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const [name, first, ...frames] = text.trim().split("\n");
  assert.equal(name, "BackendNotReady");
  assert.match(
    first,
    /TensorFlow\.js has no backend yet: call `await ready\(\)` first \(import \{ ready \} from "seglab"\)/,
  );
  assert.ok(frames.length >= 1, text);
  assert.ok(frames.every((f) => !f.includes("node_modules")), `TensorFlow.js frames left in:\n${text}`);
});
