/**
 * `prompt()`, `confirm()` and `alert()` in cells ask the notebook user through Jupyter's stdin
 * channel (`input_request`). They stay synchronous, as in Deno: the main thread waits on shared
 * memory while the I/O worker carries the request and the reply. When the frontend does not
 * allow input (`allow_stdin` false, e.g. nbconvert), `prompt` returns its default (or null),
 * `confirm` false, and `alert` prints its message. An interrupt while waiting raises
 * `InterruptError`.
 * @module
 */
import { STDIN } from "../bridge.ts";
import type { MainToIo } from "../bridge.ts";
import { type CellContext, InterruptError } from "./context.ts";

const dec = new TextDecoder();

/** Asks for one line; null when input is not possible. */
export function requestInput(
  shared: SharedArrayBuffer,
  post: (m: MainToIo) => void,
  ctx: CellContext | undefined,
  prompt: string,
  password = false,
): string | null {
  if (!ctx || ctx.state !== "running" || !ctx.allowStdin) return null;
  const head = new Int32Array(shared, 0, 2);
  const bytes = new Uint8Array(shared, 8);
  Atomics.store(head, 0, STDIN.WAITING);
  post({ t: "input_request", reqId: ctx.reqId, prompt, password });
  while (Atomics.load(head, 0) === STDIN.WAITING) Atomics.wait(head, 0, STDIN.WAITING, 1000);
  const state = Atomics.load(head, 0);
  if (state === STDIN.INTERRUPTED) throw new InterruptError("Interrupted while waiting for input");
  if (state !== STDIN.REPLIED) return null;
  return dec.decode(bytes.slice(0, Atomics.load(head, 1)));
}

/** Replaces the global `prompt`, `confirm` and `alert`. */
export function installStdin(
  shared: SharedArrayBuffer,
  post: (m: MainToIo) => void,
  current: () => CellContext | undefined,
  print: (text: string) => void,
): void {
  const g = globalThis as unknown as Record<string, unknown>;
  g.prompt = (message = "", defaultValue?: string): string | null => {
    const p = `${message}${defaultValue ? ` [${defaultValue}]` : ""} `;
    const v = requestInput(shared, post, current(), p);
    if (v === null) return defaultValue ?? null;
    return v === "" && defaultValue !== undefined ? defaultValue : v;
  };
  g.confirm = (message = "Confirm"): boolean => {
    const v = requestInput(shared, post, current(), `${message} [y/N] `);
    return v !== null && /^\s*y(es)?\s*$/i.test(v);
  };
  g.alert = (message = "Alert"): void => {
    const ctx = current();
    if (ctx?.allowStdin && ctx.state === "running") requestInput(shared, post, ctx, `${message} [Enter] `);
    else print(`${message}\n`);
  };
}
