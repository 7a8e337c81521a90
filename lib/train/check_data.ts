/**
 * Data problems found before they cost a run: `checkDataset(ds)` decodes every image and label
 * once (no transforms), with a progress bar, and lists every problem at the end instead of
 * stopping at the first; `skipBadSamples(ds)` is a view of a data set in which a sample that
 * cannot be read is replaced by the next readable one (deterministically, so a resumed run sees
 * what the first saw), each skipped sample reported once.
 *
 * `train({ checkData: true })` / `--check_data` runs the check on the training and validation
 * sets before the first iteration; `skipBadSamples: true` / `--skip_bad_samples` trains past
 * undecodable samples (after a check: without them).
 *
 * @example
 * ```ts
 * const r = await checkDataset(ds, { label: "train_dataset" });
 * r.problems; // [{ index: 17, message: "…/img_17.png (train.txt line 18): cannot decode the image: …" }]
 * ```
 * @module
 */
import { Progress } from "../display/progress.ts";
import { StoppedError, stopWatch } from "../core/stop.ts";
import type { SegDataset } from "./data.ts";
import { DatasetError } from "../../datasets/errors.ts";

/** One unreadable sample. */
export interface DataProblem {
  index: number;
  /** The error's message (it names the file and list line). */
  message: string;
}

/** What a check found. */
export interface DataCheck {
  label: string;
  checked: number;
  problems: DataProblem[];
  seconds: number;
}

/** Decodes every sample of `ds` once (image and label, no transforms) and lists what fails. */
export async function checkDataset(
  ds: SegDataset,
  opts: { label?: string; progress?: boolean; signal?: AbortSignal | null } = {},
): Promise<DataCheck> {
  const label = opts.label ?? "data";
  const t0 = performance.now();
  const bar = opts.progress === false
    ? null
    : new Progress({ total: ds.length, label: `check ${label}`, unit: "img" });
  const stop = stopWatch(opts.signal);
  const problems: DataProblem[] = [];
  for (let i = 0; i < ds.length; i++) {
    if (stop.requested()) {
      bar?.fail();
      throw new StoppedError(
        `check ${label}: stopped (${stop.reason()}) after ${i} of ${ds.length} samples`,
        {
          at: i,
          reason: stop.reason(),
        },
      );
    }
    try {
      await ds.getRaw(i);
    } catch (e) {
      problems.push({ index: i, message: (e as Error).message });
    }
    bar?.tick(1, problems.length ? { problems: problems.length } : undefined);
  }
  bar?.done(problems.length ? { problems: problems.length } : undefined);
  return { label, checked: ds.length, problems, seconds: (performance.now() - t0) / 1000 };
}

/** The report of a check: one line per problem under a heading. */
export function describeCheck(c: DataCheck): string[] {
  if (!c.problems.length) return [`[INFO] ${c.label}: all ${c.checked} samples decode`];
  return [
    `[WARNING] ${c.label}: ${c.problems.length} of ${c.checked} samples cannot be read:`,
    ...c.problems.map((p) => `  sample ${p.index}: ${p.message}`),
  ];
}

/** Problems of `ds` known before training (from a check), and those met while training. */
export interface SkipReport {
  /** Indices skipped so far, with their messages. */
  readonly skipped: Map<number, string>;
}

/**
 * A view of `ds` without the samples in `known` (e.g. from {@linkcode checkDataset}); a sample
 * that fails later is replaced by the next readable one, and `warn` gets one line for it.
 */
export function skipBadSamples(
  ds: SegDataset,
  warn: (line: string) => void,
  known: DataProblem[] = [],
): SegDataset & SkipReport {
  const skipped = new Map<number, string>(known.map((p) => [p.index, p.message]));
  const good = Array.from({ length: ds.length }, (_, i) => i).filter((i) => !skipped.has(i));
  if (!good.length) throw new Error(`${ds.root}: no sample of the data set can be read`);
  const read = async <T>(i: number, fn: (j: number) => Promise<T>): Promise<T> => {
    for (let k = 0; k < good.length; k++) {
      const j = good[(i + k) % good.length];
      if (skipped.has(j)) continue;
      try {
        return await fn(j);
      } catch (e) {
        skipped.set(j, (e as Error).message);
        warn(`[WARNING] skipping an unreadable sample (skipBadSamples): ${(e as Error).message}`);
      }
    }
    throw new Error(`${ds.root}: no sample of the data set can be read`);
  };
  // The view inherits the rest (classes, palette, root…); own properties shadow what changes. The
  // recipe that lets worker threads rebuild a data set is hidden: they would read the original.
  const own = (value: unknown) => ({ value, enumerable: true });
  return Object.create(ds, {
    length: own(good.length),
    skipped: own(skipped),
    get: own((i: number, opts?: { seed?: number; epoch?: number }) => read(i, (j) => ds.get(j, opts))),
    getRaw: own((i: number) => read(i, (j) => ds.getRaw(j))),
    files: own(ds.files ? (i: number) => ds.files!(good[i % good.length]) : undefined),
    [Symbol.for("seglab.datasets.recipe")]: own(undefined),
  }) as SegDataset & SkipReport;
}

/**
 * The trainer's data step: with `check`, both sets are checked first (every problem listed
 * through `say`; a `DatasetError` unless `skip`); with `skip`, the sets become views without
 * the unreadable samples.
 */
export async function screenData(
  train: SegDataset,
  val: SegDataset | null,
  opts: {
    check?: boolean;
    skip?: boolean;
    progress?: boolean;
    say: (line: string) => void;
    signal?: AbortSignal | null;
  },
): Promise<{ train: SegDataset; val: SegDataset | null }> {
  const sets = [["train_dataset", train], ["val_dataset", val]] as const;
  const known = new Map<string, DataProblem[]>();
  if (opts.check) {
    for (const [label, ds] of sets) {
      if (!ds) continue;
      const c = await checkDataset(ds, { label, progress: opts.progress, signal: opts.signal });
      for (const line of describeCheck(c)) opts.say(line);
      known.set(label, c.problems);
    }
    const bad = [...known.entries()].filter(([, p]) => p.length);
    if (bad.length && !opts.skip) {
      const first = bad[0][1][0];
      throw new DatasetError(
        `data check: ${bad.map(([l, p]) => `${p.length} sample(s) of ${l}`).join(" and ")} cannot be read ` +
          `(listed above; the first: ${first.message}); fix or remove them, or pass skipBadSamples: true (--skip_bad_samples)`,
      );
    }
  }
  if (!opts.skip) return { train, val };
  const wrap = (label: string, ds: SegDataset) => {
    const p = known.get(label) ?? [];
    if (p.length) {
      opts.say(`[WARNING] ${label}: training without the ${p.length} unreadable sample(s) listed above`);
    }
    return skipBadSamples(ds, opts.say, p);
  };
  return { train: wrap("train_dataset", train), val: val ? wrap("val_dataset", val) : null };
}
