/**
 * Plain float64 re-statements of PaddleSeg's Dice, focal and OHEM definitions (from its source
 * semantics), independent of the library's tensor code, for tests without shared fixtures.
 */
export interface Case {
  n: number;
  h: number;
  w: number;
  c: number;
  /** NHWC */
  x: number[];
  /** NHW */
  y: number[];
}

export function softmaxAt(x: number[], c: number, p: number): number[] {
  const row = x.slice(p * c, p * c + c);
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** PaddleSeg DiceLoss(weight, ignore_index, smooth): per image and class, mean over images, weighted sum / C. */
export function diceRef(k: Case, smooth = 1, weight: number[] | null = null, ignore = 255): number {
  const { n, h, w, c, x, y } = k;
  let total = 0;
  for (let cls = 0; cls < c; cls++) {
    let perClass = 0;
    for (let a = 0; a < n; a++) {
      let inter = 0, card = 0;
      for (let p = a * h * w; p < (a + 1) * h * w; p++) {
        if (y[p] === ignore) continue;
        const pr = softmaxAt(x, c, p)[cls], g = y[p] === cls ? 1 : 0;
        inter += pr * g;
        card += pr + g;
      }
      perClass += 1 - (2 * inter + smooth) / (card + smooth + 1e-8);
    }
    total += (perClass / n) * (weight ? weight[cls] : 1);
  }
  return total / c;
}

/** PaddleSeg FocalLoss (binary, 2 channels). */
export function focalRef(k: Case, alpha = 0.25, gamma = 2, ignore = 255): number {
  const { x, y } = k;
  let sum = 0, valid = 0;
  for (let p = 0; p < y.length; p++) {
    if (y[p] === ignore) continue;
    valid++;
    for (let ch = 0; ch < 2; ch++) {
      const v = x[p * 2 + ch], t = y[p] === ch ? 1 : 0;
      const pr = 1 / (1 + Math.exp(-v));
      const ce = Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
      const pt = pr * t + (1 - pr) * (1 - t);
      const at = alpha * t + (1 - alpha) * (1 - t);
      sum += at * (1 - pt) ** gamma * ce;
    }
  }
  return sum / (valid * 2 + 1e-10);
}

/** PaddleSeg OhemCrossEntropyLoss. */
export function ohemRef(k: Case, thresh: number, minKept: number, ignore = 255): number {
  const { c, x, y } = k;
  const m = y.length;
  const keep: number[] = y.map((v) => (v === ignore ? 0 : 1));
  const numValid = keep.reduce((a, b) => a + b, 0);
  if (minKept < numValid && numValid > 0) {
    const pt = y.map((v, p) => (v === ignore ? 1 + softmaxAt(x, c, p)[0] : softmaxAt(x, c, p)[v]));
    let th = thresh;
    if (minKept > 0) {
      const sorted = [...pt].sort((a, b) => a - b);
      const kth = sorted[Math.min(m, minKept) - 1];
      if (kth > thresh) th = kth;
    }
    pt.forEach((v, p) => {
      if (!(v < th)) keep[p] = 0;
    });
  }
  let sum = 0, cnt = 0;
  for (let p = 0; p < m; p++) {
    cnt += keep[p];
    if (keep[p]) sum += -Math.log(softmaxAt(x, c, p)[y[p]]);
  }
  return (sum / m) / (cnt / m + 1e-5);
}

export function randomCase(n: number, h: number, w: number, c: number, seed: number, ignoreFrac = 0.1): Case {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = Array.from({ length: n * h * w * c }, () => Math.round((rnd() - 0.5) * 6 * 4096) / 4096);
  const y = Array.from({ length: n * h * w }, () => (rnd() < ignoreFrac ? 255 : Math.floor(rnd() * c)));
  return { n, h, w, c, x, y };
}
