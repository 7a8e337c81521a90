/**
 * `compareSweep(table, { metric })`: a sweep's settings compared over seeds — per setting the
 * mean ± sd of a recorded metric over the seeds, and against a baseline setting the paired
 * differences (same seed) with a t-distribution confidence interval — as tables, a text summary
 * for terminals, and a figure (each seed's value, the mean and its interval per setting).
 *
 * A setting is one combination of the parameters other than the pairing one (`seed` by
 * default). Metrics between 0 and 1 (mIoU) have their differences reported in points (× 100).
 *
 * @example
 * ```ts
 * import { compareSweep, gatherSweep } from "seglab/runner";
 * const c = compareSweep(gatherSweep("out/sweep/"), { metric: "miou" });
 * console.log(c.text());      // CE 0.9333 ± 0.0152 (3 seeds) … Δ +1.26 ± 1.19 points, 95% CI […]
 * c.plot();                   // in a notebook: the figure
 * ```
 * @module
 */
import * as aq from "arquero";
import { DISPLAY, type MimeBundle } from "../../lib/core/mime.ts";
import { tableBundle } from "../../lib/display/table.ts";
import { type Figure, Plot, plot } from "../../lib/plots/figure.ts";
import { parameterColumns } from "./gather.ts";
import { studentTCdf, studentTQuantile } from "./student_t.ts";

/** Options of {@linkcode compareSweep}. */
export interface CompareOptions {
  /** The recorded value compared (a column of the gathered table). */
  metric: string;
  /** The column that pairs runs across settings (default "seed"). */
  pair?: string;
  /**
   * The columns that make a setting (default: the grid parameters that vary, except `pair`, for a
   * table straight from `gatherSweep`; else the columns that hold no numbers).
   */
  by?: string[];
  /** The setting the others are compared with: its label (`loss=ce`) or a row index (default the first). */
  baseline?: string | number;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
  /** Report differences in points (× 100); default: when every value lies in [0, 1]. */
  points?: boolean;
}

/** One setting's summary. */
export interface SettingSummary {
  setting: string;
  values: Record<string, unknown>;
  n: number;
  mean: number;
  sd: number;
  /** Half-width of the mean's confidence interval. */
  ci: number;
  /** pair value → metric */
  byPair: Map<string, number>;
}

/** One setting against the baseline, paired. */
export interface PairedDifference {
  setting: string;
  baseline: string;
  /** Pairs (seeds) present under both. */
  n: number;
  mean: number;
  sd: number;
  low: number;
  high: number;
  t: number;
  /** Two-sided p value of the paired t test. */
  p: number;
  perPair: { pair: string; diff: number }[];
}

/** What {@linkcode compareSweep} returns. */
export interface SweepComparison {
  metric: string;
  pair: string;
  by: string[];
  confidence: number;
  /** Differences are in points (× 100). */
  points: boolean;
  settings: SettingSummary[];
  differences: PairedDifference[];
  /** One row per setting: its parameters, n, mean, sd, and the value per pair. */
  settingsTable: aq.ColumnTable;
  /** One row per setting against the baseline. */
  differencesTable: aq.ColumnTable;
  /** The summary as text, for terminals. */
  text(): string;
  /** Each pair's value per setting, the mean and its confidence interval; the differences in the subtitle. */
  plot(opts?: { title?: string }): Figure;
  [DISPLAY](): Promise<MimeBundle>;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) =>
  xs.length < 2 ? NaN : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const signed = (x: number, d: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(d)}`;

function halfWidth(xs: number[], confidence: number): number {
  if (xs.length < 2) return NaN;
  return studentTQuantile(1 - (1 - confidence) / 2, xs.length - 1) * sd(xs) / Math.sqrt(xs.length);
}

type Row = Record<string, unknown>;

function summarize(
  rows: Row[],
  metric: string,
  pair: string,
  by: string[],
  confidence: number,
): SettingSummary[] {
  const groups = new Map<string, SettingSummary>();
  for (const r of rows) {
    const v = r[metric];
    if (typeof v !== "number" || !Number.isFinite(v)) continue;
    const label = by.length ? by.map((c) => `${c}=${String(r[c])}`).join(", ") : "all";
    let g = groups.get(label);
    if (!g) {
      g = {
        setting: label,
        values: Object.fromEntries(by.map((c) => [c, r[c]])),
        n: 0,
        mean: 0,
        sd: 0,
        ci: 0,
        byPair: new Map(),
      };
      groups.set(label, g);
    }
    const key = String(r[pair] ?? g.byPair.size);
    if (g.byPair.has(key)) {
      throw new Error(
        `compareSweep: setting ${label} has two rows for ${pair}=${key}; add the parameter that tells them apart to "by"`,
      );
    }
    g.byPair.set(key, v);
  }
  for (const g of groups.values()) {
    const xs = [...g.byPair.values()];
    Object.assign(g, { n: xs.length, mean: mean(xs), sd: sd(xs), ci: halfWidth(xs, confidence) });
  }
  return [...groups.values()];
}

function paired(
  a: SettingSummary,
  base: SettingSummary,
  scale: number,
  confidence: number,
): PairedDifference {
  const perPair = [...a.byPair].filter(([k]) => base.byPair.has(k)).map(([k, v]) => ({
    pair: k,
    diff: scale * (v - base.byPair.get(k)!),
  }));
  const ds = perPair.map((d) => d.diff);
  const m = ds.length ? mean(ds) : NaN, s = sd(ds), h = halfWidth(ds, confidence);
  const t = ds.length > 1 ? m / (s / Math.sqrt(ds.length)) : NaN;
  const p = Number.isFinite(t) ? 2 * (1 - studentTCdf(Math.abs(t), ds.length - 1)) : NaN;
  return {
    setting: a.setting,
    baseline: base.setting,
    n: ds.length,
    mean: m,
    sd: s,
    low: m - h,
    high: m + h,
    t,
    p,
    perPair,
  };
}

/**
 * Compares the settings of a gathered sweep (see the module documentation).
 * @throws {Error} when the metric is not a column, or a setting has two rows for one pair value.
 */
export function compareSweep(table: aq.ColumnTable, opts: CompareOptions): SweepComparison {
  const cols = table.columnNames();
  const metric = opts.metric;
  if (!cols.includes(metric)) {
    throw new Error(`compareSweep: no column "${metric}"; the table has ${cols.join(", ")}`);
  }
  const pair = opts.pair ?? "seed";
  const meta = new Set(["point", "status", "duration", metric]);
  const rows = table.objects() as Row[];
  const by = opts.by ??
    (parameterColumns(table) ??
      cols.filter((c) => !meta.has(c) && rows.every((r) => r[c] === null || typeof r[c] !== "number")))
      .filter((c) => c !== pair && rows.some((r) => r[c] !== rows[0]?.[c]));
  for (const c of [...by, pair]) {
    if (!cols.includes(c)) {
      throw new Error(`compareSweep: no column "${c}"; the table has ${cols.join(", ")}`);
    }
  }
  const confidence = opts.confidence ?? 0.95;
  const settings = summarize(rows, metric, pair, by, confidence);
  if (!settings.length) throw new Error(`compareSweep: no row has a number in "${metric}"`);
  const allValues = settings.flatMap((s) => [...s.byPair.values()]);
  const points = opts.points ?? allValues.every((v) => v >= 0 && v <= 1);
  const scale = points ? 100 : 1;
  const base = typeof opts.baseline === "number"
    ? settings[opts.baseline]
    : opts.baseline !== undefined
    ? settings.find((s) =>
      s.setting === opts.baseline || Object.values(s.values).map(String).includes(opts.baseline as string)
    )
    : settings[0];
  if (!base) {
    throw new Error(
      `compareSweep: no setting ${JSON.stringify(opts.baseline)}; the settings are ${
        settings.map((s) => s.setting).join("; ")
      }`,
    );
  }
  const differences = settings.filter((s) => s !== base).map((s) => paired(s, base, scale, confidence));
  const pairs = [...new Set(settings.flatMap((s) => [...s.byPair.keys()]))];
  const r4 = (x: number) => Number.isFinite(x) ? +x.toFixed(4) : null;
  const r2 = (x: number) => Number.isFinite(x) ? +x.toFixed(2) : null;
  const settingsTable = aq.from(settings.map((s) => ({
    ...s.values,
    n: s.n,
    mean: r4(s.mean),
    sd: r4(s.sd),
    ...Object.fromEntries(pairs.map((k) => [`${pair} ${k}`, r4(s.byPair.get(k) ?? NaN)])),
  })));
  const unit = points ? " (points)" : "";
  const pct = Math.round(confidence * 100);
  const differencesTable = aq.from(differences.map((d) => ({
    setting: d.setting,
    baseline: d.baseline,
    n: d.n,
    [`Δ mean${unit}`]: r2(d.mean),
    [`Δ sd`]: r2(d.sd),
    [`${pct}% CI low`]: r2(d.low),
    [`${pct}% CI high`]: r2(d.high),
    t: r2(d.t),
    p: r4(d.p),
    ...Object.fromEntries(
      pairs.map((k) => [`${pair} ${k}`, r2(d.perPair.find((x) => x.pair === k)?.diff ?? NaN)]),
    ),
  })));
  const c: SweepComparison = {
    metric,
    pair,
    by,
    confidence,
    points,
    settings,
    differences,
    settingsTable,
    differencesTable,
    text: () => comparisonText(c),
    plot: (o = {}) => comparisonPlot(c, o.title),
    [DISPLAY]: () => Promise.resolve(comparisonBundle(c)),
  };
  return c;
}

function comparisonText(c: SweepComparison): string {
  const w = Math.max(...c.settings.map((s) => s.setting.length));
  const pct = Math.round(c.confidence * 100);
  const lines = [`${c.metric} over ${c.pair} (mean ± sd):`];
  for (const s of c.settings) {
    lines.push(
      `  ${s.setting.padEnd(w)}  ${s.mean.toFixed(4)}${
        s.n > 1 ? ` ± ${s.sd.toFixed(4)}` : "         "
      }  (${s.n} ${c.pair}${s.n === 1 ? "" : "s"}: ${
        [...s.byPair].map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(", ")
      })`,
    );
  }
  const unit = c.points ? " points" : "";
  for (const d of c.differences) {
    lines.push(
      `Δ ${d.setting} − ${d.baseline}: ${signed(d.mean, 2)}${
        d.n > 1 ? ` ± ${d.sd.toFixed(2)}` : ""
      }${unit} over ${d.n} paired ${c.pair}${d.n === 1 ? "" : "s"}` +
        (d.n > 1
          ? `, ${pct}% CI [${signed(d.low, 2)}, ${signed(d.high, 2)}], t = ${d.t.toFixed(2)} (${
            d.n - 1
          } df, p = ${d.p.toFixed(2)})`
          : " (one pair: no interval)") +
        ` (per ${c.pair}: ${d.perPair.map((x) => signed(x.diff, 2)).join(", ")})`,
    );
  }
  return lines.join("\n");
}

function comparisonBundle(c: SweepComparison): MimeBundle {
  const a = tableBundle(c.settingsTable, 50), b = tableBundle(c.differencesTable, 50);
  return {
    "text/plain": c.text(),
    "text/html": `<div><p><b>${c.metric}</b> per setting over ${c.pair}</p>${a["text/html"]}` +
      (c.differences.length
        ? `<p>paired differences${c.points ? " (points)" : ""}</p>${b["text/html"]}`
        : "") +
      `</div>`,
  };
}

function comparisonPlot(c: SweepComparison, title?: string): Figure {
  const dots = c.settings.flatMap((s) =>
    [...s.byPair].map(([k, v]) => ({ setting: s.setting, [c.pair]: k, value: v }))
  );
  const bars = c.settings.map((s) => ({
    setting: s.setting,
    mean: s.mean,
    low: Number.isFinite(s.ci) ? s.mean - s.ci : s.mean,
    high: Number.isFinite(s.ci) ? s.mean + s.ci : s.mean,
  }));
  const pct = Math.round(c.confidence * 100);
  const subtitle = c.differences.map((d) =>
    `Δ ${d.setting} − ${d.baseline}: ${signed(d.mean, 2)}${c.points ? " points" : ""}` +
    (d.n > 1 ? `, ${pct}% CI [${signed(d.low, 2)}, ${signed(d.high, 2)}]` : "")
  ).join("; ");
  return plot({
    title: title ?? `${c.metric} per setting: each ${c.pair}, mean and ${pct}% CI`,
    subtitle,
    marginLeft: Math.min(260, 12 + 6.5 * Math.max(...c.settings.map((s) => s.setting.length))),
    height: 60 + 44 * c.settings.length,
    width: 640,
    x: { label: c.metric, grid: true },
    y: { label: null, domain: c.settings.map((s) => s.setting) },
    color: { legend: true, type: "ordinal", label: c.pair },
    marks: [
      Plot.ruleY(bars, { y: "setting", x1: "low", x2: "high", stroke: "#444", strokeWidth: 2 }),
      Plot.tickX(bars, { y: "setting", x: "mean", stroke: "#000", strokeWidth: 2 }),
      Plot.dot(dots, { y: "setting", x: "value", fill: c.pair, r: 4, opacity: 0.85 }),
    ],
  } as never);
}
