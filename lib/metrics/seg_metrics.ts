/**
 * Segmentation metrics from a confusion matrix, with PaddleSeg 2.9's conventions:
 * per-class IoU `I / (P + L − I)`, and **1** for a class absent from both prediction and label
 * over the whole set (PaddleSeg ≥ 2.9; 0 before); mIoU averages all classes. Also the mIoU over
 * present classes only (those in the labels or the predictions), pixel accuracy `ΣI / ΣP`,
 * Cohen's kappa, Dice (`2I / (P + L)`, 0 when both are empty), precision and recall.
 *
 * @example
 * ```ts
 * import { confusionMatrix, segMetrics } from "seglab";
 * const m = segMetrics(confusionMatrix([0, 1, 1, 0], [0, 1, 0, 0], 2));
 * m.miou; m.classIoU; m.kappa;
 * ```
 * @module
 */
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { escapeHtml } from "../core/escape.ts";
import type { ConfusionMatrix } from "./confusion_matrix.ts";

/** Metrics of one evaluation. */
export interface SegMetrics {
  /** Mean IoU over all classes (absent-from-both classes count as 1, as in PaddleSeg 2.9). */
  miou: number;
  /** Mean IoU over the classes present in labels or predictions. */
  miouPresent: number;
  classIoU: number[];
  /** Pixel accuracy over non-ignored pixels. */
  acc: number;
  kappa: number;
  /** Mean Dice over classes. */
  dice: number;
  classDice: number[];
  classPrecision: number[];
  classRecall: number[];
  /** Pixels per class in the labels. */
  labelArea: number[];
  /** Pixels per class in the predictions (non-ignored pixels only). */
  predArea: number[];
  /** Optional class names, for display. */
  classNames?: string[];
}

/** Computes {@linkcode SegMetrics} from `cm`. */
export function segMetrics(cm: ConfusionMatrix, classNames?: string[]): SegMetrics {
  const c = cm.numClasses, counts = cm.counts;
  const inter = new Array<number>(c).fill(0),
    pred = new Array<number>(c).fill(0),
    label = new Array<number>(c).fill(0);
  for (let y = 0; y < c; y++) {
    for (let q = 0; q < c; q++) {
      const n = counts[y * c + q];
      label[y] += n;
      pred[q] += n;
      if (y === q) inter[y] += n;
    }
  }
  const classIoU = inter.map((i, k) => {
    const union = pred[k] + label[k] - i;
    return union === 0 ? 1 : i / union;
  });
  const presentIoU = classIoU.filter((_, k) => pred[k] + label[k] > 0);
  const total = label.reduce((a, b) => a + b, 0);
  const sumI = inter.reduce((a, b) => a + b, 0), sumP = pred.reduce((a, b) => a + b, 0);
  const po = total > 0 ? sumI / total : 0;
  const pe = total > 0 ? pred.reduce((acc, p, k) => acc + p * label[k], 0) / (total * total) : 0;
  const kappa = pe === 1 ? (po === 1 ? 1 : 0) : (po - pe) / (1 - pe);
  const classDice = inter.map((i, k) => (pred[k] + label[k] === 0 ? 0 : (2 * i) / (pred[k] + label[k])));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const m: SegMetrics = {
    miou: mean(classIoU),
    miouPresent: mean(presentIoU),
    classIoU,
    acc: sumP > 0 ? sumI / sumP : 0,
    kappa,
    dice: mean(classDice),
    classDice,
    classPrecision: inter.map((i, k) => (pred[k] === 0 ? 0 : i / pred[k])),
    classRecall: inter.map((i, k) => (label[k] === 0 ? 0 : i / label[k])),
    labelArea: label,
    predArea: pred,
    classNames,
  };
  Object.defineProperty(m, DISPLAY, { value: () => metricsBundle(m), enumerable: false });
  return m;
}

const f4 = (x: number) => x.toFixed(4);

/** PaddleSeg's log line: `mIoU: 0.7312 Acc: 0.9521 Kappa: 0.8102 Dice: 0.8400`. */
export function metricsLine(m: SegMetrics): string {
  return `mIoU: ${f4(m.miou)} Acc: ${f4(m.acc)} Kappa: ${f4(m.kappa)} Dice: ${f4(m.dice)}`;
}

/** A table of per-class metrics with the summary line. */
export function metricsBundle(m: SegMetrics): MimeBundle {
  const names = m.classIoU.map((_, k) => m.classNames?.[k] ?? String(k));
  const rows = names.map((
    n,
    k,
  ) => [
    n,
    f4(m.classIoU[k]),
    f4(m.classPrecision[k]),
    f4(m.classRecall[k]),
    f4(m.classDice[k]),
    String(m.labelArea[k]),
  ]);
  const head = ["class", "IoU", "precision", "recall", "dice", "label px"];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((x, j) => x.padStart(widths[j])).join("  ");
  const summary = `${metricsLine(m)} mIoU(present): ${f4(m.miouPresent)}`;
  const text = [summary, line(head), ...rows.map(line)].join("\n");
  const html =
    `<div><b>${escapeHtml(summary)}</b><table><thead><tr>${
      head.map((h) => `<th>${h}</th>`).join("")
    }</tr></thead>` +
    `<tbody>${
      rows.map((r) =>
        `<tr>${r.map((x) => `<td style="text-align:right">${escapeHtml(x)}</td>`).join("")}</tr>`
      ).join("")
    }` +
    `</tbody></table></div>`;
  return { "text/plain": text, "text/html": html };
}
