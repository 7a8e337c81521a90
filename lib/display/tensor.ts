/** How a tensor displays: shape, dtype and a preview of its values (never the whole tensor). */
import { tf } from "../core/tf.ts";
import { requireSyncReads, syncReadsWork } from "../core/sync_reads.ts";
import type { MimeBundle } from "../core/mime.ts";
import { escapeHtml } from "../core/escape.ts";

const PREVIEW = 6;

function fmt(v: number | string | boolean): string {
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}

/**
 * A short, ANSI-free description of a tensor: `Tensor float32 [2,3] min … max … [0.1, 0.2, …]`.
 * Reads synchronously: on webgpu use {@linkcode describeTensorAsync}.
 */
export function describeTensor(t: tf.Tensor): string {
  if (t.isDisposed) return disposedText(t);
  requireSyncReads("describeTensor", "await describeTensorAsync(t)");
  return describeValues(t, t.dataSync());
}

/** {@linkcode describeTensor}, reading with `await t.data()` (every backend, webgpu too). */
export async function describeTensorAsync(t: tf.Tensor): Promise<string> {
  if (t.isDisposed) return disposedText(t);
  return describeValues(t, await t.data());
}

function disposedText(t: tf.Tensor): string {
  return `Tensor ${t.dtype} [${t.shape.join(",")}] (disposed)`;
}

function describeValues(
  t: tf.Tensor,
  data: ArrayLike<unknown> & { slice(a: number, b: number): ArrayLike<unknown> },
): string {
  const n = data.length;
  const head = Array.from(data.slice(0, PREVIEW) as ArrayLike<number>, (v) => fmt(v as number));
  let stats = "";
  if (t.dtype !== "string" && t.dtype !== "complex64" && n > 0) {
    let min = Infinity, max = -Infinity, sum = 0, nonFinite = 0;
    for (let i = 0; i < n; i++) {
      const v = Number(data[i]);
      if (!Number.isFinite(v)) {
        nonFinite++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const finite = n - nonFinite;
    stats = finite > 0 ? ` min ${fmt(min)} max ${fmt(max)} mean ${fmt(sum / finite)}` : "";
    if (nonFinite) stats += ` (${nonFinite} NaN/Inf)`;
  }
  return `Tensor ${t.dtype} [${t.shape.join(",")}]${stats} [${head.join(", ")}${n > PREVIEW ? ", …" : ""}]`;
}

/** The MIME bundle of a tensor; a promise on backends that read asynchronously only (webgpu). */
export function tensorBundle(t: tf.Tensor): MimeBundle | Promise<MimeBundle> {
  if (!syncReadsWork() && !t.isDisposed) return describeTensorAsync(t).then(bundleOf);
  return bundleOf(describeTensor(t));
}

function bundleOf(text: string): MimeBundle {
  return { "text/plain": text, "text/html": `<code>${escapeHtml(text)}</code>` };
}
