/**
 * Which kernel runs a 3×3 stride-1 convolution on `wasm`: seglab's direct SIMD convolution or its
 * Winograd F(2×2, 3×3) kernel ({@link ./simd/conv2d_winograd.ts}). Neither wins everywhere (the
 * Winograd transforms cost memory passes that few channels may not pay back), so by default
 * (`auto`) the first call of each shape times both (twice each, alternating, the least of each
 * kept) and every later call of that shape runs the faster one; a training step's convolutions
 * repeat their shapes, so only the first step pays. The times are the process's CPU time (all
 * threads; the helpers sleep while they wait), which a machine shared with other work distorts
 * far less than wall time: on the 2-core build machine at load 5, wall-time ratios of the same
 * layer varied from 0.5 to 4.5 between runs, CPU-time ratios by ±0.2 (`bench/cpu_limits.md`). `SEGLAB_WINOGRAD=on|off|auto` (or
 * {@linkcode setWinogradMode}) forces the choice.
 * @module
 */
import { env } from "../../core/env.ts";
import { release, type TensorInfo, type WasmBackend } from "./heap.ts";

/** `auto`: measured per shape; `on`: Winograd wherever it applies; `off`: never. */
export type WinogradMode = "auto" | "on" | "off";

function initialMode(): WinogradMode {
  const v = env("SEGLAB_WINOGRAD");
  if (v === undefined) return "auto";
  if (v === "auto" || v === "on" || v === "off") return v;
  throw new Error(`seglab: SEGLAB_WINOGRAD=${v} is not one of auto, on, off; unset it or pick one`);
}

let mode: WinogradMode | null = null;

/** The current mode (from `SEGLAB_WINOGRAD` until set). */
export function winogradMode(): WinogradMode {
  return mode ??= initialMode();
}

/** Sets the mode; returns the previous one. */
export function setWinogradMode(next: WinogradMode): WinogradMode {
  const prev = winogradMode();
  mode = next;
  return prev;
}

/** One calibrated shape: the least CPU time (ms, all threads) of two runs of each kernel. */
export interface WinogradDecision {
  shape: string;
  directMs: number;
  winogradMs: number;
  winograd: boolean;
}

const decisions = new Map<string, WinogradDecision>();

/** The shapes calibrated so far (for benchmarks and reports). */
export function winogradDecisions(): WinogradDecision[] {
  return [...decisions.values()];
}

/** Forgets the calibrations (the next call of each shape measures again). */
export function resetWinogradDecisions(): void {
  decisions.clear();
}

/**
 * Runs the 3×3 stride-1 convolution identified by `shape` with `direct` or `winograd` (null where
 * Winograd does not apply), as the mode and, in `auto`, the shape's calibration say.
 */
export function runConv3x3(
  backend: WasmBackend,
  shape: string,
  direct: () => TensorInfo,
  winograd: (() => TensorInfo) | null,
): TensorInfo {
  const m = winogradMode();
  if (!winograd || m === "off") return direct();
  if (m === "on") return winograd();
  const known = decisions.get(shape);
  if (known) return known.winograd ? winograd() : direct();
  const times = { d: Infinity, w: Infinity };
  let out: TensorInfo | null = null;
  for (const which of ["w", "d", "w", "d"] as const) {
    const c0 = process.cpuUsage();
    const y = which === "w" ? winograd() : direct();
    const c = process.cpuUsage(c0);
    times[which] = Math.min(times[which], (c.user + c.system) / 1000);
    release(backend, out);
    out = y;
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  decisions.set(shape, {
    shape,
    directMs: round(times.d),
    winogradMs: round(times.w),
    winograd: times.w < times.d,
  });
  return out!;
}
