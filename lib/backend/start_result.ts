/** The outcome of trying to start one backend. @module */

/** Started (with a detail for the report), or not (with the reason). */
export type StartResult =
  | { ok: true; detail: string; onDevice?: boolean; warning?: boolean }
  | { ok: false; reason: string };
