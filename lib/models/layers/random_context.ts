/**
 * The seed that layers drawing random numbers during a forward pass (dropout) use. The trainer
 * sets it per iteration (`withForwardSeed(mixSeed(seed, step), fn)`), so the masks of step k
 * are the same whether or not the run was interrupted and resumed before it. Outside such a
 * scope the layers draw from the global generator, as TensorFlow.js does.
 * @module
 */

let current: number | null = null;
let calls = 0;

/** Runs `fn` with `seed` as the forward seed; layers draw `mixSeed(seed, callIndex)`. */
export function withForwardSeed<T>(seed: number, fn: () => T): T {
  const prevSeed = current, prevCalls = calls;
  current = seed;
  calls = 0;
  try {
    return fn();
  } finally {
    current = prevSeed;
    calls = prevCalls;
  }
}

/** The next seed for a random draw in the current scope, or `undefined` outside any scope. */
export function nextForwardSeed(): { seed: number; index: number } | undefined {
  if (current === null) return undefined;
  return { seed: current, index: calls++ };
}

/** Where the current scope's draws stand (`null` outside any scope): for replaying a block's draws. */
export function forwardSeedState(): { seed: number; calls: number } | null {
  return current === null ? null : { seed: current, calls };
}

/** Runs `fn` drawing the same seeds as the block that started at `state` did. */
export function replayForwardSeed<T>(state: { seed: number; calls: number }, fn: () => T): T {
  const prevSeed = current, prevCalls = calls;
  current = state.seed;
  calls = state.calls;
  try {
    return fn();
  } finally {
    current = prevSeed;
    calls = prevCalls;
  }
}
