/**
 * `fileIO(dir)`: a TensorFlow.js IO handler over the file system (`node:fs`), for Deno and Node
 * alike — TensorFlow.js's own `file://` handler exists only in tfjs-node. It writes and reads
 * TensorFlow.js's layers format: `model.json` (topology + weights manifest) and
 * `model.weights.bin`, so `tf.loadLayersModel(fileIO(dir))` and `model.save(fileIO(dir))` work, and
 * the files load in any TensorFlow.js (seglab's custom layers registered).
 *
 * `model.json` also records the weights file's size and SHA-256 (`seglab.weights`), so a
 * truncated or corrupted file is refused with the reason instead of loading garbage.
 *
 * @example
 * ```ts
 * import { tf } from "seglab";
 * import { fileIO } from "./file_io.ts";
 * await model.net.save(fileIO("out/unet"));
 * const copy = await tf.loadLayersModel(fileIO("out/unet"));
 * ```
 * @module
 */
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { tf } from "../core/tf.ts";

/** The default names of the two files. */
export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "model.weights.bin";

/** An error reading a checkpoint: names the file and what is wrong with it. */
export class CheckpointError extends Error {
  override name = "CheckpointError";
}

/** Concatenates TensorFlow.js weight data (one buffer or several) into bytes. */
export function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of parts) {
    out.set(new Uint8Array(b), off);
    off += b.byteLength;
  }
  return out;
}

/** Hex SHA-256 of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, complex64: 8 };

/** Bytes the weight specs describe (`quantization` included). */
export function specBytes(specs: tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((n, s) => {
    const count = s.shape.reduce((a, b) => a * b, 1);
    const per = s.quantization ? (s.quantization.dtype === "uint8" ? 1 : 2) : BYTES[s.dtype] ?? 4;
    return n + count * per;
  }, 0);
}

/** Writes bytes and flushes them to disk. */
export async function writeSynced(file: string, data: string | Uint8Array): Promise<void> {
  const h = await fsp.open(file, "w");
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Reads `weightsFile` and checks it against `specs` and the recorded size and hash. Returns the
 * bytes; throws a {@linkcode CheckpointError} naming the file otherwise.
 */
export async function readWeights(
  weightsFile: string,
  specs: tf.io.WeightsManifestEntry[],
  recorded?: { bytes?: number; sha256?: string },
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    const b = await fsp.readFile(weightsFile);
    bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new CheckpointError(`${weightsFile}: cannot read the weights (${(e as Error).message})`);
  }
  const expected = specBytes(specs);
  if (bytes.byteLength < expected) {
    throw new CheckpointError(
      `${weightsFile} is truncated: ${bytes.byteLength} bytes, but its manifest describes ${expected} ` +
        `(${specs.length} weights); the checkpoint was cut short — use an earlier one`,
    );
  }
  if (
    bytes.byteLength !== expected || (recorded?.bytes !== undefined && recorded.bytes !== bytes.byteLength)
  ) {
    throw new CheckpointError(
      `${weightsFile}: ${bytes.byteLength} bytes, but ${
        recorded?.bytes ?? expected
      } were written; the file does ` +
        `not belong to this manifest`,
    );
  }
  if (recorded?.sha256 && sha256(bytes) !== recorded.sha256) {
    throw new CheckpointError(
      `${weightsFile}: its SHA-256 differs from the one recorded when it was written; the file is corrupted`,
    );
  }
  return bytes;
}

/** An IO handler that saves to and loads from `dir` (created on save). */
export function fileIO(
  dir: string,
  opts: { modelFile?: string; weightsFile?: string } = {},
): tf.io.IOHandler {
  const modelFile = opts.modelFile ?? MODEL_JSON, weightsFile = opts.weightsFile ?? WEIGHTS_BIN;
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error("fileIO: binary (GraphDef) topologies are not supported; save a layers model");
      }
      await fsp.mkdir(dir, { recursive: true });
      const bytes = weightBytes(artifacts.weightData);
      const manifest: tf.io.WeightsManifestConfig = [{
        paths: [`./${weightsFile}`],
        weights: artifacts.weightSpecs ?? [],
      }];
      const json: tf.io.ModelJSON & { seglab?: unknown } = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: manifest,
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature) json.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      json.seglab = { weights: { bytes: bytes.byteLength, sha256: sha256(bytes) } };
      await writeSynced(path.join(dir, weightsFile), bytes);
      await writeSynced(path.join(dir, modelFile), JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: "JSON",
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: bytes.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonFile = path.join(dir, modelFile);
      let json: tf.io.ModelJSON & { seglab?: { weights?: { bytes?: number; sha256?: string } } };
      try {
        json = JSON.parse(await fsp.readFile(jsonFile, "utf8"));
      } catch (e) {
        const why = (e as { code?: string }).code === "ENOENT"
          ? "not found"
          : `not valid JSON (${(e as Error).message})`;
        throw new CheckpointError(`${jsonFile}: ${why}`);
      }
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new CheckpointError(
          `${jsonFile}: not a TensorFlow.js layers model (no modelTopology / weightsManifest)`,
        );
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const files = manifest.flatMap((g) => g.paths);
        if (files.length !== 1) {
          // Several shards (e.g. converted models): read them in order.
          const parts = await Promise.all(
            files.map(async (f) => new Uint8Array(await fsp.readFile(path.join(dir, f)))),
          );
          const all = weightBytes(parts.map((p) => p.slice().buffer));
          return [specs, all.buffer as ArrayBuffer];
        }
        const bytes = await readWeights(path.join(dir, files[0]), specs, json.seglab?.weights);
        return [specs, bytes.slice().buffer as ArrayBuffer];
      });
    },
  };
}
