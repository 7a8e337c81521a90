/**
 * `compareRuns({ CE: ce, "CE + Lovász": mixed })`: runs side by side — a table of each run's best
 * and final validation scores with the per-class IoU at its best iteration, and the
 * mIoU-vs-iteration figure with one line per run (the comparison PaddleSeg's Lovász docs make).
 *
 * @example
 * ```ts
 * import { compareRuns } from "seglab";
 * compareRuns({ "CE": ce, "CE + 0.2 Lovász-Softmax": mixed });   // displays table + figure
 * ```
 * @module
 */
import * as aq from "arquero";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { tableBundle } from "../display/table.ts";
import { type Figure, Plot, plot } from "../plots/figure.ts";
import { History } from "./history.ts";

/** Something with a history: a `train` result or a `History`. */
export type RunLike = { history: History } | History;

/** A comparison of runs. */
export interface Comparison {
  /** One row per run: best mIoU and its iteration, final mIoU, acc, kappa and per-class IoU at the best. */
  table: aq.ColumnTable;
  /** Validation mIoU against iteration, one line per run. */
  plot(opts?: { metric?: string; title?: string }): Figure;
  [DISPLAY](): Promise<MimeBundle>;
}

/** Compares runs by their validation history (see the module documentation). */
export function compareRuns(runs: Record<string, RunLike>): Comparison {
  const entries = Object.entries(runs).map(([name, r]) =>
    [name, r instanceof History ? r : r.history] as const
  );
  if (!entries.length) throw new Error("compareRuns: give at least one run, e.g. compareRuns({ CE: run })");
  const rows = entries.map(([name, h]) => {
    const evals = h.rows.filter((r) => typeof r.mIoU === "number");
    const best = evals.reduce<typeof evals[number] | null>(
      (b, r) => (!b || (r.mIoU as number) > (b.mIoU as number) ? r : b),
      null,
    );
    const last = evals[evals.length - 1];
    const row: Record<string, string | number | null> = {
      run: name,
      iters: h.rows.length ? (h.rows[h.rows.length - 1].iter as number) : 0,
      best_mIoU: best?.mIoU ?? null,
      best_iter: best?.iter ?? null,
      final_mIoU: last?.mIoU ?? null,
      acc: best?.acc ?? null,
      kappa: best?.kappa ?? null,
    };
    if (best) { for (const [k, v] of Object.entries(best)) if (k.startsWith("IoU.")) row[k] = v; }
    return row;
  });
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const table = aq.table(Object.fromEntries(cols.map((c) => [c, rows.map((r) => r[c] ?? null)])));
  const figure = (opts: { metric?: string; title?: string } = {}) => {
    const metric = opts.metric ?? "mIoU";
    const data = entries.flatMap(([name, h]) =>
      h.rows.filter((r) => typeof r[metric] === "number").map((r) => ({
        run: name,
        iter: r.iter as number,
        value: r[metric] as number,
      }))
    );
    return plot({
      title: opts.title ?? `validation ${metric}`,
      width: 640,
      height: 300,
      x: { label: "iteration" },
      y: { label: metric, grid: true },
      color: { legend: true, label: "run", domain: entries.map(([n]) => n) },
      marks: data.length
        ? [
          Plot.line(data, { x: "iter", y: "value", stroke: "run" }),
          Plot.dot(data, { x: "iter", y: "value", fill: "run" }),
        ]
        : [Plot.text([`no ${metric} evaluations yet`], { frameAnchor: "middle" })],
    });
  };
  return {
    table,
    plot: figure,
    async [DISPLAY](): Promise<MimeBundle> {
      const t = tableBundle(table, 50);
      const f = await figure()[DISPLAY]();
      return {
        "text/plain": t["text/plain"],
        "text/html": `<div>${t["text/html"]}${f["text/html"]}</div>`,
        ...(f["image/png"] ? { "image/png": f["image/png"] } : {}),
      };
    },
  };
}
