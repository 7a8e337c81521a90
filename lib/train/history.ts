/**
 * `History`: a run's record, one row per iteration — `iter`, `lr`, each loss term by name
 * (`out0.CrossEntropyLoss`, `out1.LovaszSoftmaxLoss`, …, already weighted as PaddleSeg sums them),
 * `loss` (their total), `sec` (wall time of the step) — and, on evaluation iterations, `mIoU`,
 * `acc`, `kappa`, `dice`, `mIoU_present` and `IoU.<class>` for each class.
 *
 * It is an arquero table (`history.table`, `history.evals`), a figure (`history.plot()`: the loss
 * curves and the mIoU-vs-iteration curve), CSV or JSON (`history.save("history.csv")`), and it
 * displays as a table of the evaluations in notebooks.
 *
 * @example
 * ```ts
 * const run = await train("configs/road.yml");
 * run.history.evals;           // arquero table: iter, mIoU, acc, kappa, …
 * run.history.plot();          // loss and mIoU curves
 * await run.history.save("out/history.csv");
 * ```
 * @module
 */
import * as aq from "arquero";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { tableBundle } from "../display/table.ts";
import { type Figure, figureFromSvg, Plot, plot } from "../plots/figure.ts";
import { writeFileAtomic } from "../core/runtime.ts";
import type { SegMetrics } from "../metrics/seg_metrics.ts";

/** One row: numbers, or null where a column does not apply (eval columns between evaluations). */
export type HistoryRow = Record<string, number | null>;

/** Columns that are not loss terms. */
const FIXED = new Set(["iter", "lr", "loss", "sec"]);
/** Evaluation columns, in display order (per-class IoU columns follow). */
export const EVAL_COLUMNS = ["mIoU", "acc", "kappa", "dice", "mIoU_present"] as const;

/** The evaluation columns of a metrics object. */
export function evalColumns(m: SegMetrics, classNames?: readonly string[]): HistoryRow {
  const row: HistoryRow = {
    mIoU: m.miou,
    acc: m.acc,
    kappa: m.kappa,
    dice: m.dice,
    mIoU_present: m.miouPresent,
  };
  m.classIoU.forEach((v, k) => (row[`IoU.${classNames?.[k] ?? k}`] = v));
  return row;
}

/** A run's history. */
export class History {
  readonly rows: HistoryRow[];

  constructor(rows: HistoryRow[] = []) {
    this.rows = rows.map((r) => ({ ...r }));
  }

  /** Adds the row of an iteration (replacing one with the same `iter`). */
  push(row: HistoryRow): void {
    const last = this.rows[this.rows.length - 1];
    if (last && last.iter === row.iter) Object.assign(last, row);
    else this.rows.push({ ...row });
  }

  /** Adds evaluation columns to the row of `iter`. */
  addEval(iter: number, cols: HistoryRow): void {
    const row = this.rows.find((r) => r.iter === iter);
    if (row) Object.assign(row, cols);
    else this.rows.push({ iter, ...cols });
  }

  /** Column names: iter, lr, loss terms, loss, sec, evaluation columns. */
  get columns(): string[] {
    const seen = new Set<string>();
    for (const r of this.rows) for (const k of Object.keys(r)) seen.add(k);
    const all = [...seen];
    const terms = all.filter((k) => !FIXED.has(k) && !isEval(k));
    const evals = [...EVAL_COLUMNS.filter((k) => seen.has(k)), ...all.filter((k) => k.startsWith("IoU."))];
    return [
      ...["iter", "lr"].filter((k) => seen.has(k)),
      ...terms,
      ...["loss", "sec"].filter((k) => seen.has(k)),
      ...evals,
    ];
  }

  /** The names of the loss terms. */
  get terms(): string[] {
    return this.columns.filter((k) => !FIXED.has(k) && !isEval(k));
  }

  /** Every row as an arquero table. */
  get table(): aq.ColumnTable {
    const cols = this.columns;
    return aq.table(Object.fromEntries(cols.map((c) => [c, this.rows.map((r) => r[c] ?? null)])));
  }

  /** The evaluation rows (iter and evaluation columns) as an arquero table. */
  get evals(): aq.ColumnTable {
    const cols = ["iter", ...this.columns.filter(isEval)];
    const rows = this.rows.filter((r) => r.mIoU !== undefined && r.mIoU !== null);
    return aq.table(Object.fromEntries(cols.map((c) => [c, rows.map((r) => r[c] ?? null)])));
  }

  /** The last evaluation row, if any. */
  get lastEval(): HistoryRow | undefined {
    for (let i = this.rows.length - 1; i >= 0; i--) if (this.rows[i].mIoU != null) return this.rows[i];
    return undefined;
  }

  /** CSV of every row. */
  toCSV(): string {
    return this.table.toCSV();
  }

  /** The rows as JSON objects (nulls kept). */
  toJSON(): HistoryRow[] {
    const cols = this.columns;
    return this.rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null])));
  }

  /** Writes `.csv` or `.json` (by extension), atomically. */
  async save(file: string): Promise<void> {
    if (file.toLowerCase().endsWith(".csv")) await writeFileAtomic(file, this.toCSV());
    else if (file.toLowerCase().endsWith(".json")) {
      await writeFileAtomic(file, JSON.stringify(this.toJSON(), null, 1));
    } else throw new Error(`History.save: "${file}" must end in .csv or .json`);
  }

  /**
   * The training curves: loss terms and total per iteration (raw, faint, and a moving average of
   * `smooth` iterations), and below, validation mIoU (and accuracy) against iteration.
   */
  plot(opts: { title?: string; smooth?: number; width?: number } = {}): Figure {
    const width = opts.width ?? 640;
    const long: { iter: number; term: string; value: number }[] = [];
    for (const r of this.rows) {
      for (const t of [...this.terms, "loss"]) {
        const v = r[t];
        if (typeof v === "number" && Number.isFinite(v)) {
          long.push({ iter: r.iter as number, term: t === "loss" ? "total" : t, value: v });
        }
      }
    }
    const k = Math.max(1, Math.min(opts.smooth ?? Math.ceil(this.rows.length / 20), 50));
    const lossFig = plot({
      title: opts.title ?? "training",
      subtitle: `loss per iteration${k > 1 ? ` (lines: moving average of ${k})` : ""}`,
      width,
      height: 260,
      x: { label: "iteration" },
      y: { label: "loss", grid: true, type: long.some((d) => d.value <= 0) ? "linear" : "log" },
      color: { legend: true, label: "term" },
      marks: long.length
        ? [
          Plot.dot(long, { x: "iter", y: "value", stroke: "term", r: 1, strokeOpacity: 0.25 }),
          Plot.line(long, Plot.windowY({ k, anchor: "end" }, { x: "iter", y: "value", stroke: "term" })),
        ]
        : [Plot.text(["no iterations yet"], { frameAnchor: "middle" })],
    });
    const evals = this.rows.filter((r) => typeof r.mIoU === "number") as Record<string, number>[];
    const evalLong = evals.flatMap((
      r,
    ) => [{ iter: r.iter, metric: "mIoU", value: r.mIoU }, { iter: r.iter, metric: "acc", value: r.acc }]);
    const evalFig = plot({
      subtitle: "validation",
      width,
      height: 200,
      x: { label: "iteration", domain: [0, Math.max(1, ...this.rows.map((r) => r.iter as number))] },
      y: { label: "score", grid: true, domain: [0, 1] },
      color: { legend: true, label: "metric", domain: ["mIoU", "acc"] },
      marks: evals.length
        ? [
          Plot.line(evalLong, { x: "iter", y: "value", stroke: "metric" }),
          Plot.dot(evalLong, { x: "iter", y: "value", fill: "metric" }),
        ]
        : [Plot.text(["no evaluation yet"], { frameAnchor: "middle" })],
    });
    const inner = (f: Figure) => f.svg.replace(/^<svg[^>]*>/, "").replace(/<\/svg>$/, "");
    const h = lossFig.height + evalFig.height + 10;
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" style="background:white">` +
      `<g>${inner(lossFig)}</g><g transform="translate(0,${lossFig.height + 10})">${
        inner(evalFig)
      }</g></svg>`;
    const best = evals.length ? Math.max(...evals.map((r) => r.mIoU)) : null;
    return figureFromSvg(
      svg,
      width,
      h,
      `[figure: ${opts.title ?? "training"} — ${this.rows.length} iterations` +
        `${best !== null ? `, best mIoU ${best.toFixed(4)}` : ""}]`,
    );
  }

  [DISPLAY](): MimeBundle {
    const evals = this.evals;
    if (evals.numRows() > 0) return tableBundle(evals, 50);
    return tableBundle(this.table, 20);
  }
}

function isEval(k: string): boolean {
  return (EVAL_COLUMNS as readonly string[]).includes(k) || k.startsWith("IoU.");
}
