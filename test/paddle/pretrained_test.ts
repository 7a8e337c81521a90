import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import {
  cachePath,
  fetchPretrained,
  paddleCheckpointFile,
  pdparamsFromTar,
} from "../../lib/paddle/pretrained.ts";
import { encodePdparams, readPdparams } from "../../lib/paddle/pdparams.ts";
import { ndarray } from "../../lib/paddle/ndarray.ts";

/** A ustar archive of the given files. */
function tar(files: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of files) {
    const h = new Uint8Array(512);
    const put = (s: string, at: number) => h.set(new TextEncoder().encode(s), at);
    put(name, 0);
    put("0000644\0", 100);
    put(data.length.toString(8).padStart(11, "0") + "\0", 124);
    put("0", 156);
    put("ustar\u000000", 257);
    put("        ", 148);
    const sum = h.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    parts.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const STATE = new Map([["conv_layer1_1._conv.weight", ndarray("f4", [2], new Float32Array([0.5, -2]))]]);

Deno.test("a pretrained .tar.gz URL is downloaded once into the cache and its .pdparams taken out", async () => {
  const archive = gzipSync(tar([["hrnet_w18_ssld/README", new Uint8Array(700)], [
    "hrnet_w18_ssld/model.pdparams",
    encodePdparams(STATE),
  ]]));
  let hits = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, () => {
    hits++;
    return new Response(archive, { headers: { "content-length": String(archive.length) } });
  });
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-cache-"));
  Deno.env.set("SEGLAB_CACHE_DIR", cache);
  // Other test files turn downloads off for the process; this one serves its own archive locally.
  const offline = Deno.env.get("SEGLAB_OFFLINE");
  Deno.env.delete("SEGLAB_OFFLINE");
  try {
    const url = `http://127.0.0.1:${server.addr.port}/paddleseg/dygraph/hrnet_w18_ssld.tar.gz`;
    const file = await fetchPretrained(url, { quiet: true });
    assert.equal(file, `${cachePath(url)}.pdparams`);
    assert.ok(file.startsWith(cache));
    assert.deepEqual(await readPdparams(file), STATE);
    assert.equal(await fetchPretrained(url, { quiet: true }), file);
    assert.equal(hits, 1, "the second call reads the cache");
    const missing = `http://127.0.0.1:${server.addr.port}/x/other.pdparams`;
    // The server answers anything with the archive: a .pdparams URL is stored as it comes.
    const raw = await fetchPretrained(missing, { quiet: true });
    assert.equal(raw, cachePath(missing));
  } finally {
    Deno.env.delete("SEGLAB_CACHE_DIR");
    if (offline !== undefined) Deno.env.set("SEGLAB_OFFLINE", offline);
    await server.shutdown();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

Deno.test("an archive without a .pdparams names what it holds; paddleCheckpointFile tells Paddle folders from seglab ones", () => {
  assert.throws(
    () => pdparamsFromTar(tar([["a/model.pdmodel", new Uint8Array(3)]]), "x.tar"),
    /x\.tar: no \.pdparams file in the archive \(it holds a\/model\.pdmodel\)/,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-pd-"));
  try {
    assert.equal(paddleCheckpointFile(dir), null);
    fs.writeFileSync(path.join(dir, "model.pdparams"), "");
    assert.equal(paddleCheckpointFile(dir), path.join(dir, "model.pdparams"));
    fs.writeFileSync(path.join(dir, "model.json"), "{}");
    assert.equal(paddleCheckpointFile(dir), null, "a seglab checkpoint folder");
    assert.equal(paddleCheckpointFile("out/model.pdparams"), "out/model.pdparams");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
