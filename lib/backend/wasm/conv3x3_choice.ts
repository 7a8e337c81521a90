/**
 * Which kernel runs a 3×3 stride-1 convolution on `wasm`: seglab's direct SIMD convolution or one
 * of its Winograd kernels, F(2×2, 3×3) ({@link ./simd/conv2d_winograd.ts}) and F(4×4, 3×3).
 *
 * By default (`on`) Winograd runs wherever it applies. The choice is a fixed rule on purpose: the
 * two kernels round differently, and a choice made by timing would make two runs with the same
 * seed — or a resumed run and the uninterrupted one — differ in their last bits. Winograd was
 * measured faster on every layer of the reference U-Net (1.1× on the 16-channel 128² and 8² layers,
 * 1.3–3.0× elsewhere, `bench/cpu_limits.md`).
 *
 * `SEGLAB_WINOGRAD=measure` (or {@linkcode setWinogradMode}) times the two per shape instead, for
 * benchmarks on other machines: the calls of each shape alternate between the kernels — the first
 * {@linkcode WARM_CALLS} untimed (the engine compiles a kernel's optimised code only after it has
 * run a while), the next {@linkcode TIMED_CALLS} timed by the process's CPU time, which a shared
 * machine distorts far less than wall time — and from then on that shape runs the faster.
 * `SEGLAB_WINOGRAD=off` never uses Winograd.
 *
 * Two Winograd kernels exist: F(2×2, 3×3) and F(4×4, 3×3) ({@link ./simd/conv2d_winograd.ts}:
 * fewer multiplications, larger rounding error). Where both apply, `on` (and `measure`'s
 * Winograd side) takes F(4×4, 3×3) by the fixed rule {@linkcode winograd4Preferred}, measured per
 * layer (`bench/winograd_layers.ts`, `bench/cpu_limits.md`); `SEGLAB_WINOGRAD=f23` or `f43`
 * forces one of them wherever Winograd applies (for tests and benchmarks).
 * @module
 */
import process from "node:process";
import { env } from "../../core/env.ts";
import type { TensorInfo } from "./heap.ts";

/**
 * `on` (default): Winograd wherever it applies (F(4×4, 3×3) where {@linkcode winograd4Preferred});
 * `measure`: direct or that Winograd, the faster per shape, timed; `off`: never; `f23` / `f43`:
 * always F(2×2, 3×3) / F(4×4, 3×3) where Winograd applies.
 */
export type WinogradMode = "on" | "measure" | "off" | "f23" | "f43";

const MODES: readonly WinogradMode[] = ["on", "measure", "off", "f23", "f43"];

function initialMode(): WinogradMode {
  const v = env("SEGLAB_WINOGRAD");
  if (v === undefined || v === "") return "on";
  if ((MODES as readonly string[]).includes(v)) return v as WinogradMode;
  throw new Error(`seglab: SEGLAB_WINOGRAD=${v} is not one of ${MODES.join(", ")}; unset it or pick one`);
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

/**
 * The fixed rule between the two Winograd kernels: F(4×4, 3×3) for an output of at least 32×32
 * pixels per image (`oh`, `ow`), else F(2×2, 3×3). Measured on the reference U-Net's layers (batch
 * 4, 16–128 channels, `bench/winograd_layers.ts`, `bench/cpu_limits.md`): F(4×4, 3×3) took
 * 0.6–0.93× F(2×2, 3×3)'s CPU time at 32² to 128², 0.88–1.03× at 16² and 1.1–1.3× at 8² (16 tiles:
 * the transforms' fixed costs dominate) in two runs; where they tie, F(2×2, 3×3)'s smaller rounding
 * error wins.
 * The channel counts do not enter: every measured count (16 to 128) followed the size.
 */
export function winograd4Preferred(oh: number, ow: number, _ci: number, _co: number): boolean {
  return oh >= 32 && ow >= 32;
}

/** Untimed calls of a shape (alternating) before its timed calls. */
export const WARM_CALLS = 2;
/** Timed calls of a shape (alternating: half with each kernel) before the choice. */
export const TIMED_CALLS = 4;

/** One calibrated shape: the least CPU time (ms, all threads) of each kernel's timed calls. */
export interface WinogradDecision {
  shape: string;
  directMs: number;
  winogradMs: number;
  winograd: boolean;
}

const decisions = new Map<string, WinogradDecision>();
const pending = new Map<string, { calls: number; d: number; w: number }>();

/** The shapes calibrated so far (for benchmarks and reports). */
export function winogradDecisions(): WinogradDecision[] {
  return [...decisions.values()];
}

/** How many shapes have been seen in `measure` mode but not yet decided. */
export function winogradCalibrating(): number {
  return pending.size;
}

/** Forgets the calibrations (the next calls of each shape measure again). */
export function resetWinogradDecisions(): void {
  decisions.clear();
  pending.clear();
}

/**
 * Runs the 3×3 stride-1 convolution identified by `shape` with `direct`, `winograd2`
 * (F(2×2, 3×3); null where Winograd does not apply) or `winograd4` (F(4×4, 3×3), with whether
 * {@linkcode winograd4Preferred} picks it; null where it does not apply), as the mode and, in
 * `measure`, the shape's calibration say.
 */
export function runConv3x3(
  shape: string,
  direct: () => TensorInfo,
  winograd2: (() => TensorInfo) | null,
  winograd4: { run: () => TensorInfo; preferred: boolean } | null = null,
): TensorInfo {
  const m = winogradMode();
  if (!winograd2 || m === "off") return direct();
  if (m === "f23") return winograd2();
  if (m === "f43") return (winograd4?.run ?? winograd2)();
  const winograd = winograd4?.preferred ? winograd4.run : winograd2;
  if (m === "on") return winograd();
  const known = decisions.get(shape);
  if (known) return known.winograd ? winograd() : direct();
  let p = pending.get(shape);
  if (!p) pending.set(shape, p = { calls: 0, d: Infinity, w: Infinity });
  const which = p.calls % 2 === 0 ? "w" : "d";
  const c0 = process.cpuUsage();
  const y = which === "w" ? winograd() : direct();
  const c = process.cpuUsage(c0);
  if (p.calls++ >= WARM_CALLS) p[which] = Math.min(p[which], (c.user + c.system) / 1000);
  if (p.calls >= WARM_CALLS + TIMED_CALLS) {
    const round = (v: number) => Math.round(v * 1000) / 1000;
    decisions.set(shape, { shape, directMs: round(p.d), winogradMs: round(p.w), winograd: p.w < p.d });
    pending.delete(shape);
  }
  return y;
}
