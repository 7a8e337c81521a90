/**
 * `fetchPretrained(url)`: PaddleSeg's `pretrained:` URLs (its model zoo's `.pdparams`, and
 * backbones packed as `.tar.gz` around a `model.pdparams`) downloaded once into a cache, with a
 * progress bar, and the `.pdparams` inside returned as a local file. Where the URL cannot be
 * fetched (no network), `pretrainedFile` says so in one line and returns null, so training
 * starts from its initialisation as PaddleSeg's would fail to; `required: true` makes that an
 * error instead.
 *
 * `SEGLAB_OFFLINE=1` skips the download (as if there were no network). The cache is `$SEGLAB_CACHE_DIR`, else `$XDG_CACHE_HOME/seglab/pretrained`, else
 * `~/.cache/seglab/pretrained`; files are written atomically, named by the URL's hash and name.
 *
 * @example
 * ```ts
 * import { pretrainedFile } from "./pretrained.ts";
 * const file = await pretrainedFile("https://…/hrnet_w18_ssld.tar.gz", { key: "model.backbone.pretrained" });
 * ```
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { Progress } from "../display/progress.ts";
import { env, exists, writeFileAtomic } from "../core/runtime.ts";
import { PaddleCheckpointError } from "./errors.ts";

/** True for `http(s)://…` (and other schemes but `file://`). */
export function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !s.startsWith("file://");
}

/** The download cache folder. */
export function cacheDir(): string {
  const own = env("SEGLAB_CACHE_DIR");
  if (own) return path.resolve(own);
  const xdg = env("XDG_CACHE_HOME");
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), ".cache"), "seglab", "pretrained");
}

/** Where `url` is cached (the download, and the `.pdparams` taken out of an archive). */
export function cachePath(url: string): string {
  const hash = createHash("sha256").update(url).digest("hex").slice(0, 12);
  const base = (new URL(url).pathname.split("/").pop() || "download").replace(/[^\w.-]/g, "_");
  return path.join(cacheDir(), `${hash}-${base}`);
}

/** The bytes of the first `*.pdparams` member of a tar archive (ustar; gzip'ed or not). */
export function pdparamsFromTar(archive: Uint8Array, what: string): Uint8Array {
  const tar = archive[0] === 0x1f && archive[1] === 0x8b ? new Uint8Array(gunzipSync(archive)) : archive;
  const text = (b: Uint8Array) => new TextDecoder().decode(b).replace(/\0.*$/s, "");
  const names: string[] = [];
  for (let off = 0; off + 512 <= tar.length;) {
    const h = tar.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    // POSIX ustar ("ustar\0") keeps a path prefix at 345; GNU tar ("ustar ") does not.
    const prefix = text(h.subarray(257, 262)) === "ustar" && h[262] === 0 ? text(h.subarray(345, 500)) : "";
    const name = prefix ? `${prefix}/${text(h.subarray(0, 100))}` : text(h.subarray(0, 100));
    const size = parseInt(text(h.subarray(124, 136)).trim() || "0", 8);
    const type = String.fromCharCode(h[156]);
    if (!Number.isFinite(size) || size < 0) break;
    if ((type === "0" || type === "\0") && name.endsWith(".pdparams")) {
      if (off + 512 + size > tar.length) throw new PaddleCheckpointError(`${what}: the archive is truncated`);
      return tar.slice(off + 512, off + 512 + size);
    }
    names.push(name);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  throw new PaddleCheckpointError(
    `${what}: no .pdparams file in the archive (it holds ${names.slice(0, 5).join(", ") || "nothing"})`,
  );
}

/** Downloads `url` into the cache (once) and returns the local `.pdparams`. Throws when it cannot. */
export async function fetchPretrained(
  url: string,
  opts: { key?: string; quiet?: boolean } = {},
): Promise<string> {
  const target = cachePath(url);
  const pdparams = /\.pdparams$/i.test(target) ? target : `${target}.pdparams`;
  if (exists(pdparams)) return pdparams;
  if (env("SEGLAB_OFFLINE") === "1") {
    throw new PaddleCheckpointError(`${opts.key ?? "pretrained"}: cannot download ${url} (SEGLAB_OFFLINE=1)`);
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((e: Error) => {
    const c = e.cause as { code?: string; message?: string } | undefined;
    const cause = c?.code ?? c?.message?.split("\n")[0] ?? e.message;
    throw new PaddleCheckpointError(`${opts.key ?? "pretrained"}: cannot download ${url} (${cause})`);
  });
  if (!res.ok || !res.body) {
    throw new PaddleCheckpointError(
      `${opts.key ?? "pretrained"}: cannot download ${url} (HTTP ${res.status})`,
    );
  }
  const total = Number(res.headers.get("content-length")) || undefined;
  const bar = opts.quiet
    ? null
    : new Progress({ total, label: `download ${path.basename(target)}`, unit: "B" });
  bar?.start();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
      bar?.update(n);
    }
  } catch (e) {
    bar?.fail();
    throw new PaddleCheckpointError(
      `${opts.key ?? "pretrained"}: download of ${url} broke off (${(e as Error).message})`,
    );
  }
  bar?.done();
  const data = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    data.set(c, o);
    o += c.length;
  }
  fs.mkdirSync(cacheDir(), { recursive: true });
  const bytes = pdparams === target ? data : pdparamsFromTar(data, url);
  await writeFileAtomic(pdparams, bytes);
  return pdparams;
}

/**
 * A `pretrained:` value as a local file: a URL is fetched (see {@linkcode fetchPretrained}); when
 * that fails, one line goes to `log` and the result is null (or, with `required`, the error is
 * thrown). Local paths are returned as given.
 */
export async function pretrainedFile(
  spec: string,
  opts: { key: string; log?: (line: string) => void; required?: boolean; quiet?: boolean },
): Promise<string | null> {
  if (!isUrl(spec)) return spec.replace(/^file:\/\//, "");
  try {
    return await fetchPretrained(spec, opts);
  } catch (e) {
    if (opts.required || !(e instanceof PaddleCheckpointError)) throw e;
    (opts.log ?? console.error)(
      `[WARNING] ${e.message}; starting from the model's initialisation (a local path, or requirePretrained, ` +
        `makes this an error)`,
    );
    return null;
  }
}

/**
 * The `.pdparams` a path names, when it is a Paddle checkpoint: the file itself, or a folder
 * holding `model.pdparams` and no TensorFlow.js `model.json` (PaddleSeg's `output/best_model`).
 */
export function paddleCheckpointFile(p: string): string | null {
  if (/\.pdparams$/i.test(p)) return p;
  try {
    if (
      fs.statSync(p).isDirectory() && exists(path.join(p, "model.pdparams")) &&
      !exists(path.join(p, "model.json"))
    ) {
      return path.join(p, "model.pdparams");
    }
  } catch {
    // not there: not a Paddle checkpoint
  }
  return null;
}
