/**
 * `Exp` for `wasm` as one SIMD pass (`simd/emit_exp.ts`: within 2 units in the last place of
 * float32, ~1.1 ns per value) instead of the shipped scalar `expf` loop (~4.6 ns per value: the
 * softmax cross entropy's three `Exp`s were 4 ms of a U-Net step).
 * @module
 */
import { unaryPass } from "./unary_pass.ts";

/** The kernel function. */
export const exp = unaryPass("Exp", "exp_f32");
