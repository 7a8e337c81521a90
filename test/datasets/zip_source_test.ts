import assert from "node:assert/strict";
import { openZip } from "../../datasets/zip_source.ts";
import { createDataset } from "../../datasets/mod.ts";
import { tempDir, zipOf } from "../support/datasets.ts";

async function withZip(
  files: Record<string, Uint8Array | string> | Uint8Array,
  fn: (path: string, dir: string) => Promise<void>,
) {
  const { dir, cleanup } = await tempDir();
  try {
    const path = `${dir}/data.zip`;
    await Deno.writeFile(path, files instanceof Uint8Array ? files : await zipOf(files));
    await fn(path, dir);
  } finally {
    await cleanup();
  }
}

Deno.test("openZip reads entries, finds a single top-level folder as the root, lists by prefix", async () => {
  await withZip({ "set/train.txt": "a|b\n", "set/img/a.png": "A", "set/img/b.png": "B" }, async (path) => {
    const z = await openZip(path);
    assert.equal(z.location, `${path}:set`);
    assert.ok(z.has("train.txt") && z.has("./img/a.png") && !z.has("nope"));
    assert.equal(new TextDecoder().decode(await z.read("img/b.png")), "B");
    assert.deepEqual(await z.list("img"), ["img/a.png", "img/b.png"]);
    await assert.rejects(
      () => z.read("img/c.png"),
      /data.zip:set\/img\/c.png: file not found in the archive/,
    );
    await assert.rejects(
      () => z.read("../outside.png"),
      /path "..\/outside.png" escapes the archive's root: refused/,
    );
  });
});

Deno.test("a corrupt or truncated zip is refused, naming the archive", async () => {
  const good = await zipOf({ "a.txt": "hello" });
  await withZip(good.slice(0, good.length - 30), async (path) => {
    await assert.rejects(
      () => openZip(path),
      (e: Error) => e.message.startsWith(`${path}: not a readable zip archive`),
    );
  });
  await withZip(new TextEncoder().encode("this is not a zip at all, just text"), async (path) => {
    await assert.rejects(
      () => createDataset({ type: "MiniDeepGlobeRoadExtraction", dataset_root: path }),
      /data.zip: not a readable zip archive/,
    );
  });
});

Deno.test("zip entries escaping the root (../, absolute, drive letters) make the archive refused; nothing is written", async () => {
  for (const bad of ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt", "C:\\evil.txt"]) {
    await withZip({ "train.txt": "x|y\n", [bad]: "pwned" }, async (path, dir) => {
      await assert.rejects(() => openZip(path), (e: Error) => {
        assert.match(e.message, /escapes the archive's root: refusing the archive/, bad);
        assert.ok(e.message.includes(bad), `${e.message} names ${bad}`);
        return true;
      });
      const left = [...Deno.readDirSync(dir)].map((d) => d.name);
      assert.deepEqual(left, ["data.zip"], "nothing extracted next to the archive");
    });
  }
});

Deno.test("zip bombs: declared sizes past max_zip_bytes, and an entry inflating past its declared size", async () => {
  const zeros = new Uint8Array(3 * 1024 * 1024); // deflates to a few KiB
  await withZip({ "train.txt": "a|b\n", "big.bin": zeros }, async (path) => {
    await assert.rejects(
      () =>
        createDataset({
          type: "MiniDeepGlobeRoadExtraction",
          dataset_root: path,
          max_zip_bytes: 1024 * 1024,
        }),
      /declares more than 1.0 MiB uncompressed \(max_zip_bytes\): refused as a possible zip bomb/,
    );
    assert.ok(await openZip(path, { maxBytes: 8 * 1024 * 1024 }), "fine under a higher limit");
  });
  // Lie about the size: patch the uncompressed size in the local and central headers to 1000 bytes.
  const bytes = await zipOf({ "big.bin": zeros });
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i + 4 <= bytes.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50) dv.setUint32(i + 22, 1000, true);
    if (sig === 0x02014b50) dv.setUint32(i + 24, 1000, true);
  }
  await withZip(bytes, async (path) => {
    const z = await openZip(path);
    await assert.rejects(() => z.read("big.bin"), /big.bin: zip entry inflates past 1000 bytes .*zip bomb/);
  });
});
