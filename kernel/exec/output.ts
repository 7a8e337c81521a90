/**
 * Where each output goes. Output of the running cell goes to it, in the order it was made (a
 * display whose bundle is still a promise holds back what follows it, so order is kept). Output
 * of a cell that has finished is labelled with that cell and goes to the cell now running, or
 * waits for the next cell when none is — never dropped, never silently attributed to another
 * cell. Display updates go to whichever cell runs (frontends find the display by its id).
 * @module
 */
import type { MainToIo } from "../bridge.ts";
import type { Header } from "../protocol/message.ts";
import type { CellContext } from "./context.ts";
import type { ErrorContent } from "./errors.ts";

/** A MIME bundle as sent on the wire. */
export type Bundle = Record<string, unknown>;

/** One output. */
export type Output =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | {
    kind: "display";
    bundle: Bundle | Promise<Bundle>;
    displayId?: string;
    update?: boolean;
    metadata?: Record<string, unknown>;
  }
  | { kind: "error"; content: ErrorContent }
  | { kind: "clear"; wait: boolean }
  | { kind: "result"; bundle: Bundle; count: number | null }
  | {
    kind: "message";
    msgType: string;
    content: Record<string, unknown>;
    metadata?: Record<string, unknown>;
    buffers?: Uint8Array[];
  };

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** Removes ANSI escape sequences. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

/** A bundle fit for the wire: `text/plain` without ANSI codes, values that survive JSON. */
export function cleanBundle(b: Bundle): Bundle {
  const out: Bundle = {};
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    out[k] = k === "text/plain" && typeof v === "string" ? stripAnsi(v) : v;
  }
  if (Object.keys(out).length === 0) out["text/plain"] = "";
  return out;
}

interface Held {
  origin: string;
  out: Output;
}

/** Routes outputs to the I/O worker (see the module doc). */
export class OutputRouter {
  running: CellContext | undefined;
  readonly #held: Held[] = [];
  readonly #heldUpdates = new Map<string, Output>();
  #dropped = 0;
  /** At most this many late outputs wait for the next cell (older ones are counted, then dropped). */
  static readonly MAX_HELD = 1000;

  constructor(readonly post: (m: MainToIo) => void, readonly log: (s: string) => void) {}

  /** Sends `out` for `ctx` (undefined: code outside any cell), keeping per-cell order. */
  emit(ctx: CellContext | undefined, out: Output): void {
    if (!ctx && out.kind === "display" && out.bundle instanceof Promise) {
      const o = out;
      out.bundle.then(
        (b) => this.#route(undefined, { ...o, bundle: b }),
        (e) =>
          this.#route(undefined, {
            kind: "stream",
            name: "stderr",
            text: `display failed: ${(e as Error)?.message ?? e}\n`,
          }),
      );
      return;
    }
    if (ctx && (ctx.blocked > 0 || (out.kind === "display" && out.bundle instanceof Promise))) {
      ctx.blocked++;
      ctx.tail = ctx.tail.then(async () => {
        try {
          if (out.kind === "display" && out.bundle instanceof Promise) {
            try {
              out = { ...out, bundle: await out.bundle };
            } catch (e) {
              out = {
                kind: "error",
                content: {
                  ename: "DisplayError",
                  evalue: `a display bundle failed: ${(e as Error)?.message ?? e}`,
                  traceback: [`DisplayError: a display bundle failed: ${(e as Error)?.stack ?? e}`],
                },
              };
              if (ctx.state === "running") ctx.error ??= out.content;
            }
          }
          this.#route(ctx, out);
        } finally {
          ctx.blocked--;
        }
      });
      return;
    }
    this.#route(ctx, out);
  }

  #route(ctx: CellContext | undefined, out: Output): void {
    if (ctx?.quiet && out.kind !== "message") return;
    if (ctx && ctx.state === "running") return this.#send(ctx.parent, out);
    if (out.kind === "message") {
      // Comm traffic is not output: it goes now, under the best parent there is.
      return this.#send((ctx?.parent ?? this.running?.parent ?? {}) as Header, out);
    }
    const running = this.running;
    if (out.kind === "display" && out.update) {
      if (running) return this.#send(running.parent, out);
      this.#heldUpdates.set(out.displayId ?? "", out);
      return;
    }
    const origin = ctx ? ctx.label : "code outside any cell";
    if (!ctx && running) return this.#send(running.parent, out);
    if (running) return this.#sendLabelled(running.parent, origin, out);
    if (this.#held.length === 0) {
      this.log(`output of ${origin} after it finished, held for the next cell: ${describe(out)}`);
    }
    this.#held.push({ origin, out });
    if (this.#held.length > OutputRouter.MAX_HELD) {
      this.#held.shift();
      this.#dropped++;
    }
  }

  /** Sends held late output into `ctx` (the cell that just started). */
  flushHeld(ctx: CellContext): void {
    if (this.#dropped) {
      this.#send(ctx.parent, {
        kind: "stream",
        name: "stderr",
        text:
          `[${this.#dropped} earlier late outputs were dropped while no cell ran; the last ${OutputRouter.MAX_HELD} follow]\n`,
      });
      this.#dropped = 0;
    }
    for (const h of this.#held.splice(0)) this.#sendLabelled(ctx.parent, h.origin, h.out);
    for (const u of this.#heldUpdates.values()) this.#send(ctx.parent, u);
    this.#heldUpdates.clear();
  }

  /** Late outputs still held (none are lost while the kernel lives). */
  get heldCount(): number {
    return this.#held.length + this.#heldUpdates.size;
  }

  #sendLabelled(parent: Header, origin: string, out: Output): void {
    const tag = `[from ${origin}, after it finished]`;
    switch (out.kind) {
      case "stream":
        return this.#send(parent, { ...out, text: out.text.replace(/^(?=.)/gm, `${tag} `) });
      case "error":
        return this.#send(parent, {
          ...out,
          content: { ...out.content, traceback: [tag, ...out.content.traceback] },
        });
      case "display":
        this.#send(parent, { kind: "stream", name: "stdout", text: `${tag}\n` });
        return this.#send(parent, out);
      default:
        return this.#send(parent, out);
    }
  }

  #send(parent: Header, out: Output): void {
    switch (out.kind) {
      case "stream":
        this.post({ t: "iopub", parent, msgType: "stream", content: { name: out.name, text: out.text } });
        return;
      case "error":
        this.post({ t: "iopub", parent, msgType: "error", content: { ...out.content } });
        return;
      case "clear":
        this.post({ t: "iopub", parent, msgType: "clear_output", content: { wait: out.wait } });
        return;
      case "result":
        this.#post({
          t: "iopub",
          parent,
          msgType: "execute_result",
          content: { execution_count: out.count, data: cleanBundle(out.bundle), metadata: {} },
        });
        return;
      case "display": {
        const content: Record<string, unknown> = {
          data: cleanBundle(out.bundle as Bundle),
          metadata: out.metadata ?? {},
          transient: out.displayId ? { display_id: out.displayId } : {},
        };
        this.#post({
          t: "iopub",
          parent,
          msgType: out.update ? "update_display_data" : "display_data",
          content,
        });
        return;
      }
      case "message":
        this.post({
          t: "iopub",
          parent,
          msgType: out.msgType,
          content: out.content,
          metadata: out.metadata,
          buffers: out.buffers,
        });
        return;
    }
  }

  /** Posts, turning a bundle that cannot be cloned (functions, symbols) into an error output. */
  #post(m: Extract<MainToIo, { t: "iopub" }>): void {
    try {
      this.post(m);
    } catch (e) {
      this.post({
        t: "iopub",
        parent: m.parent,
        msgType: "error",
        content: {
          ename: "DisplayError",
          evalue: `a display bundle cannot be sent: ${(e as Error).message}`,
          traceback: [
            `DisplayError: a display bundle cannot be sent (its values must be strings or JSON): ${
              (e as Error).message
            }`,
          ],
        },
      });
    }
  }
}

function describe(out: Output): string {
  switch (out.kind) {
    case "stream":
      return JSON.stringify(out.text.length > 80 ? out.text.slice(0, 80) + "…" : out.text);
    case "error":
      return `${out.content.ename}: ${out.content.evalue}`;
    case "display":
      return "a display";
    default:
      return out.kind;
  }
}
