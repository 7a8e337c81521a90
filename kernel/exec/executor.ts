/**
 * The main thread's side of the kernel: runs cells and everything that reaches cell code
 * (comms, interrupts, uncaught errors). One cell runs at a time; its reply is posted only after
 * every output it made — including display bundles still being computed — so the I/O worker can
 * send `idle` last.
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as nodeModule from "node:module";
import { Script } from "node:vm";
import type { CellDiagnostic, LangToMain, MainToIo, MainToLang } from "../bridge.ts";
import type { Message } from "../protocol/message.ts";
import { loadTypeScript } from "../typescript.ts";
import { CELL_REGISTRY, rewriteCell, rewriteSimpleExpression, type RewrittenCell } from "./rewrite.ts";
import { CellContext, cellStorage, InterruptError } from "./context.ts";
import { type Bundle, OutputRouter } from "./output.ts";
import { type CellSource, codeFrame, type ErrorContent, formatError } from "./errors.ts";
import { inspectText, isDisplayMachinery, renderValue } from "./render.ts";
import { CommManager } from "./comm.ts";
import { applyEdits } from "./edits.ts";

/** What the executor needs from the kernel. */
export interface ExecutorOptions {
  post(m: MainToIo): void;
  /** Posts to the language worker. */
  lang(m: MainToLang): void;
  /** `Int32Array` over the interrupt flag. */
  flag: Int32Array;
  /** Type-check every cell (`// @nocheck` opts out); otherwise only cells with `// @check`. */
  check: boolean;
  log(s: string): void;
  cwd: string;
  /** Cancels the timers a cell started (all cells' timers when none is given). */
  cancelTimers(ctx?: CellContext): number;
  /**
   * `"auto"` (the default): cells that need no module semantics run as scripts, the rest as
   * modules; `"module"`: every cell runs as a module (to compare the two ways).
   */
  cellMode?: "auto" | "module";
}

/** The kernel's workspace: the folder of the deno.json Deno found (this checkout's). */
const WORKSPACE = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.seglab-cell-${Deno.pid}-probe.ts`);
    writeFileSync(probe, "");
    rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where cell modules are written. Deno resolves imports (import map, package.json) for modules
 * inside its workspace, and loads them ~10× faster there, so: the notebook's folder when it is
 * inside the workspace; otherwise the workspace's `.seglab/cells` (relative imports and
 * `import.meta` are then rewritten to the notebook's folder); a temporary folder as a last resort.
 */
function chooseCellDir(cwd: string, log: (s: string) => void): string {
  if ((cwd === WORKSPACE || cwd.startsWith(WORKSPACE + "/")) && writable(cwd)) return cwd;
  const inWorkspace = join(WORKSPACE, ".seglab", "cells");
  if (writable(inWorkspace)) return inWorkspace;
  const tmp = Deno.makeTempDirSync({ prefix: "seglab-cells-" });
  log(`cannot write cells to ${cwd} or ${inWorkspace}; running them from ${tmp}`);
  return tmp;
}

/**
 * Deno's type stripper (`node:module`'s, Node ≥ 22.13's API; missing from Deno's bundled Node
 * types): blanks types out in place, so positions do not move. Undefined where the runtime lacks
 * it; cells then run as modules.
 */
const stripTypeScriptTypes = (nodeModule as unknown as {
  stripTypeScriptTypes?: (code: string, opts: { mode: "strip" }) => string;
}).stripTypeScriptTypes;

/** Numbers cells across executors: a module URL is loaded once per process, so none may repeat. */
let cellSeq = 0;

/** Thrown into a cell's race when its error was already sent. */
class Reported extends Error {}

interface ExecuteContent {
  code?: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, string>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

/** Runs cells (see the module doc). */
export class Executor {
  executionCount = 0;
  readonly router: OutputRouter;
  readonly comms: CommManager;
  readonly #cells = new Map<number, CellSource>();
  readonly #hooks = new Map<number, CellContext>();
  #cellDir: string;
  #specifierBase: string | undefined;
  #checkId = 0;
  readonly #checks = new Map<number, (r: LangToMain) => void>();
  readonly #filePattern: RegExp;
  /** Cells whose module file exists (removed once the module has started). */
  readonly #written = new Set<number>();
  /** How many cells ran as scripts and how many as modules. */
  readonly ran = { script: 0, module: 0 };

  constructor(readonly opts: ExecutorOptions) {
    this.router = new OutputRouter(this.post, opts.log);
    this.comms = new CommManager((msgType, content, metadata, buffers) => {
      this.router.emit(cellStorage.getStore(), { kind: "message", msgType, content, metadata, buffers });
    }, opts.log);
    this.#cellDir = chooseCellDir(opts.cwd, opts.log);
    if (this.#cellDir !== opts.cwd) this.#specifierBase = pathToFileURL(opts.cwd + "/").href;
    this.#filePattern = new RegExp(`\\.seglab-cell-${Deno.pid}-(\\d+)\\.ts$`);
    (globalThis as Record<symbol, unknown>)[Symbol.for(CELL_REGISTRY)] = (id: number) => this.#hook(id);
  }

  /** The cell a module URL belongs to. */
  lookup = (url: string): CellSource | undefined => {
    const m = this.#filePattern.exec(url);
    return m ? this.#cells.get(Number(m[1])) : undefined;
  };

  /** Formats an error against the cells run so far. */
  formatError(err: unknown): ErrorContent {
    return formatError(err, this.lookup, this.opts.cwd);
  }

  /** Loads TypeScript and runs the rewriter once, so the first cell starts warm. */
  warm(): void {
    rewriteCell(loadTypeScript(), "const x = 1;\nfor (const y of [x]) await y;\nx", 0);
  }

  /** Called by the language worker with a check's diagnostics. */
  onLang(m: LangToMain): void {
    this.#checks.get(m.id)?.(m);
    this.#checks.delete(m.id);
  }

  // ------------------------------------------------------------------ cell hooks

  #hook(id: number) {
    const ctx = this.#hooks.get(id);
    this.#hooks.delete(id);
    if (this.#written.delete(id)) {
      try {
        rmSync(join(this.#cellDir, `.seglab-cell-${Deno.pid}-${id}.ts`), { force: true });
      } catch { /* removed in finally */ }
    }
    const flag = this.opts.flag;
    const label = ctx?.label ?? "a cell";
    const base = this.#specifierBase ?? pathToFileURL(this.opts.cwd + "/").href;
    const metaUrl = new URL(`${(ctx?.label ?? "cell").replace(/[^\w]+/g, "_")}.ts`, base);
    const define = (name: string, get: () => unknown, set: (v: unknown) => void) => {
      let busy = false;
      try {
        Object.defineProperty(globalThis, name, {
          configurable: true,
          enumerable: false,
          get() {
            if (busy) throw new ReferenceError(`${name} is not defined`);
            busy = true;
            try {
              return get();
            } finally {
              busy = false;
            }
          },
          set,
        });
      } catch {
        throw new TypeError(
          `${label} declares "${name}", a built-in global that cannot be replaced; choose another name`,
        );
      }
    };
    return {
      flag,
      meta: {
        url: metaUrl.href,
        dirname: this.opts.cwd,
        filename: metaUrl.pathname,
        main: false,
        resolve: (
          spec: string,
        ) => (/^\.\.?\//.test(spec) || spec.startsWith("/")
          ? new URL(spec, base).href
          : import.meta.resolve(spec)),
      },
      def: (name: string, kind: string, get: () => unknown, set: ((v: unknown) => void) | 0) => {
        define(
          name,
          get,
          set || (() => {
            throw new TypeError(
              `Assignment to constant "${name}" (a ${kind} declared in ${label}); declare it again with let to change it`,
            );
          }),
        );
      },
      imp: (name: string, ns: Record<string, unknown>, exported: string) => {
        if (!(exported in ns)) return; // a type-only export: nothing to publish
        define(name, () => ns[exported], () => {
          throw new TypeError(
            `Assignment to "${name}", imported in ${label}; import it again or declare a variable`,
          );
        });
      },
      result: (v: unknown) => {
        if (ctx) {
          ctx.result = v;
          ctx.hasResult = true;
        }
        return v;
      },
      stop: () => {
        if (Atomics.load(flag, 0) !== 0) throw new InterruptError();
      },
      ck: <T>(v: T): T => {
        if (Atomics.load(flag, 0) !== 0 || cellStorage.getStore()?.cancelled) throw new InterruptError();
        return v;
      },
    };
  }

  // ------------------------------------------------------------------ execute

  /**
   * Runs an `execute_request`; posts outputs, the reply and `done`. `executionCount`: the count
   * the I/O worker gave the request, having published its `execute_input` (without it, the
   * executor counts and publishes `execute_input` itself).
   */
  async execute(reqId: string, msg: Message, executionCount?: number): Promise<void> {
    const c = msg.content as ExecuteContent;
    const code = typeof c.code === "string" ? c.code : "";
    const silent = Boolean(c.silent);
    const storeHistory = silent ? false : c.store_history !== false;
    if (executionCount !== undefined) this.executionCount = executionCount;
    else if (storeHistory) this.executionCount++;
    const ctx = new CellContext(
      msg.header,
      reqId,
      silent ? null : this.executionCount,
      c.allow_stdin !== false,
      silent,
    );
    ctx.quiet = silent;
    this.router.running = ctx;
    if (!silent && executionCount === undefined) {
      this.post({
        t: "iopub",
        parent: msg.header,
        msgType: "execute_input",
        content: { code, execution_count: this.executionCount },
      });
    }
    this.router.flushHeld(ctx);
    let ran = false;
    let seq = 0;
    await cellStorage.run(ctx, async () => {
      try {
        seq = await this.#run(ctx, code, () => (ran = true));
      } catch (e) {
        this.#fail(ctx, e);
      }
      // Every output of the cell leaves before its reply (async display bundles included).
      try {
        await Promise.race([ctx.tail, ctx.aborted]);
      } catch (e) {
        this.#fail(ctx, e);
      }
      // Let rejections left unhandled by the cell's last lines surface while it still runs.
      await macrotask();
    });
    ctx.state = "finished";
    this.router.running = undefined;
    Atomics.store(this.opts.flag, 0, 0);
    const reply: Record<string, unknown> = ctx.error
      ? { status: "error", execution_count: this.executionCount, ...ctx.error }
      : {
        status: "ok",
        execution_count: this.executionCount,
        user_expressions: await this.#userExpressions(c.user_expressions),
        payload: [],
      };
    this.#finish(reqId, { t: "reply", reqId, msgType: "execute_reply", content: reply });
    // After the reply, off the cell's critical path; still before the I/O worker can hand the
    // language worker a later request (that takes it a wake-up and a message of its own).
    if (ran) this.opts.lang({ t: "executed", cell: seq, code });
  }

  /**
   * Posts to the I/O worker. A cell's `execute_result` is held back (when it is plain strings,
   * so it cannot fail to be cloned later) until the next message, so that a cell's result, its
   * reply and its end usually cross to the I/O worker in one message: each crossing wakes that
   * thread and costs ~0.1-0.3 ms on a busy machine.
   */
  readonly post = (m: MainToIo): void => {
    const held = this.#held;
    this.#held = undefined;
    if (m.t === "iopub" && m.msgType === "execute_result" && isPlainBundle(m.content)) {
      if (held) this.opts.post(held);
      this.#held = m;
      return;
    }
    this.opts.post(held ? { t: "batch", messages: [held, m] } : m);
  };
  #held: MainToIo | undefined;

  /** Posts a request's last messages (its reply, if any) and its end, with what is held. */
  #finish(reqId: string, reply?: MainToIo): void {
    const messages: MainToIo[] = [];
    if (this.#held) messages.push(this.#held);
    this.#held = undefined;
    if (reply) messages.push(reply);
    messages.push({ t: "done", reqId });
    this.opts.post(messages.length === 1 ? messages[0] : { t: "batch", messages });
  }

  /** Reports an error of the running cell once. */
  #fail(ctx: CellContext, e: unknown): void {
    if (e instanceof Reported) return;
    if (e instanceof InterruptError) {
      ctx.interrupted();
      this.opts.cancelTimers(ctx);
    }
    const content = this.formatError(e);
    if (e instanceof InterruptError && !content.traceback.some((l) => l.includes(ctx.label))) {
      content.traceback.push(
        "",
        `(${ctx.label} was waiting — on an await, a timer or input — when it was interrupted)`,
      );
    }
    ctx.error ??= content;
    this.router.emit(ctx, { kind: "error", content });
  }

  async #run(ctx: CellContext, code: string, markRan: () => void): Promise<number> {
    const seq = ++cellSeq;
    const file = join(this.#cellDir, `.seglab-cell-${Deno.pid}-${seq}.ts`);
    const simple = this.#compileSimple(code, seq, file);
    const rw = simple?.rw ?? rewriteCell(loadTypeScript(), code, seq, this.#specifierBase);
    if (rw.syntaxErrors.length) {
      const cell: CellSource = { label: ctx.label, code, map: applyEdits(code, []).map };
      const first = rw.syntaxErrors[0];
      const content: ErrorContent = {
        ename: "SyntaxError",
        evalue: `${first.message} (${ctx.label}:${first.line}:${first.column})`,
        traceback: [
          `SyntaxError: ${first.message}`,
          `    at ${ctx.label}:${first.line}:${first.column}`,
          "",
          ...codeFrame(cell, first.line, first.column),
          ...rw.syntaxErrors.slice(1, 5).map((e) =>
            `also: ${e.message} at ${ctx.label}:${e.line}:${e.column}`
          ),
        ],
      };
      ctx.error ??= content;
      this.router.emit(ctx, { kind: "error", content });
      return seq;
    }
    const wantCheck = this.opts.check
      ? !/^\s*\/\/\s*@nocheck\b/m.test(code)
      : /^\s*\/\/\s*@check\b/m.test(code);
    if (wantCheck) {
      const failed = await this.#typeCheck(ctx, seq, code);
      if (failed) return seq;
    }
    this.#hooks.set(seq, ctx);
    let evaluation = this.#evaluateScript(ctx, seq, code, file, rw, simple?.script);
    if (!evaluation) {
      this.#cells.set(seq, { label: ctx.label, code, map: rw.map });
      writeFileSync(file, rw.code);
      this.#written.add(seq);
      evaluation = import(pathToFileURL(file).href);
      this.ran.module++;
    } else this.ran.script++;
    markRan();
    evaluation.catch((e) => {
      // The cell was already ended (interrupt or an error from a callback); report what follows.
      // (Library work stopped by the interrupt ends with a StoppedError once it has stopped; it has said so.)
      const stopped = e instanceof InterruptError || (e as Error)?.name === "StoppedError";
      if (ctx.state === "finished" && !(stopped && ctx.cancelled)) {
        this.router.emit(ctx, { kind: "error", content: this.formatError(e) });
      }
    });
    try {
      await Promise.race([evaluation, ctx.aborted]);
    } finally {
      this.#hooks.delete(seq);
      if (this.#written.delete(seq)) {
        try {
          rmSync(file, { force: true });
        } catch { /* gone */ }
      }
    }
    if (ctx.hasResult && ctx.result !== undefined && !ctx.silent && !isDisplayMachinery(ctx.result)) {
      const bundle = await Promise.race([renderValue(ctx.result), ctx.aborted]);
      this.router.emit(ctx, { kind: "result", bundle, count: ctx.count });
    }
    return seq;
  }

  /**
   * The rewrite and the compiled script form of a cell that is one simple expression (see
   * {@linkcode rewriteSimpleExpression}): no TypeScript parse, and no type stripping (such a cell
   * has no types). Undefined when the cell is anything else, or does not compile (then the full
   * rewrite reports its syntax errors as for any cell).
   */
  #compileSimple(code: string, seq: number, file: string): { rw: RewrittenCell; script: Script } | undefined {
    if (this.opts.cellMode === "module" || !stripTypeScriptTypes) return undefined;
    const rw = rewriteSimpleExpression(code, seq);
    if (!rw?.script) return undefined;
    try {
      return { rw, script: new Script(rw.script.code, { filename: pathToFileURL(file).href }) };
    } catch {
      return undefined;
    }
  }

  /**
   * Runs a cell's script form, when it has one, named as its module would be (so tracebacks map
   * to the cell alike): no file to write, no module to load — about 3 ms less per cell. Returns
   * undefined, having run nothing, when the cell must go the module way: it needs module
   * semantics, its types cannot be stripped in place (enums, namespaces, parameter properties,
   * decorators), or V8 finds an early error that the module path reports in Deno's words.
   */
  #evaluateScript(
    ctx: CellContext,
    seq: number,
    code: string,
    file: string,
    rw: RewrittenCell,
    compiled?: Script,
  ): Promise<unknown> | undefined {
    if (!rw.script || this.opts.cellMode === "module" || !stripTypeScriptTypes) return undefined;
    let script = compiled;
    if (!script) {
      let js: string;
      try {
        js = stripTypeScriptTypes(rw.script.code, { mode: "strip" });
      } catch {
        return undefined;
      }
      try {
        script = new Script(js, { filename: pathToFileURL(file).href });
      } catch {
        return undefined;
      }
    }
    this.#cells.set(seq, { label: ctx.label, code, map: rw.script.map });
    try {
      return (script.runInThisContext() as () => Promise<unknown>)();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Type-checks a cell; reports and returns true when it has errors. */
  async #typeCheck(ctx: CellContext, seq: number, code: string): Promise<boolean> {
    const id = ++this.#checkId;
    const result = new Promise<LangToMain>((resolve) => this.#checks.set(id, resolve));
    this.opts.lang({ t: "check", id, cell: seq, code });
    const r = await Promise.race([result, ctx.aborted]);
    if (r.error) {
      this.router.emit(ctx, { kind: "stream", name: "stderr", text: `type check unavailable: ${r.error}\n` });
      return false;
    }
    const errors = r.diagnostics.filter((d) => d.category === "error");
    const others = r.diagnostics.filter((d) => d.category === "warning");
    if (others.length) {
      this.router.emit(ctx, {
        kind: "stream",
        name: "stderr",
        text: others.map((d) => formatDiagnostic(ctx.label, d)).join("\n") + "\n",
      });
    }
    if (!errors.length) return false;
    const cell: CellSource = { label: ctx.label, code, map: applyEdits(code, []).map };
    const tb: string[] = [
      `TypeError: ${errors.length} type error${
        errors.length > 1 ? "s" : ""
      } in ${ctx.label} (the cell did not run)`,
    ];
    for (const d of errors.slice(0, 20)) {
      tb.push("", formatDiagnostic(ctx.label, d), ...codeFrame(cell, d.line, d.column).slice(1));
    }
    const content: ErrorContent = {
      ename: "TypeError",
      evalue: `${formatDiagnostic(ctx.label, errors[0])}${
        errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""
      }`,
      traceback: tb,
    };
    ctx.error ??= content;
    this.router.emit(ctx, { kind: "error", content });
    return true;
  }

  async #userExpressions(exprs: Record<string, string> | undefined): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if (!exprs || typeof exprs !== "object") return out;
    const ts = loadTypeScript();
    for (const [name, expr] of Object.entries(exprs)) {
      try {
        const js = ts.transpileModule(`(${expr})`, {
          compilerOptions: { target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext },
        }).outputText;
        const value = (0, eval)(js.replace(/\n\/\/# sourceMappingURL.*$/, ""));
        out[name] = { status: "ok", data: await renderValue(await value), metadata: {} };
      } catch (e) {
        out[name] = { status: "error", ...this.formatError(e) };
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ other requests

  /** `comm_open`, `comm_msg`, `comm_close` from the frontend. */
  async comm(reqId: string, msg: Message): Promise<void> {
    const ctx = new CellContext(msg.header, reqId, null, false, true);
    const previous = this.router.running;
    this.router.running = ctx;
    await cellStorage.run(ctx, async () => {
      try {
        await Promise.race([
          this.comms.handle(msg.header.msg_type, msg.content, msg.metadata, msg.buffers),
          ctx.aborted,
        ]);
        await Promise.race([ctx.tail, ctx.aborted]);
      } catch (e) {
        if (!(e instanceof Reported)) this.router.emit(ctx, { kind: "error", content: this.formatError(e) });
      }
    });
    ctx.state = "finished";
    this.router.running = previous;
    this.#finish(reqId);
  }

  /**
   * Cell code is exiting the process: sends what the main thread holds, a note on the cell's
   * stderr, and asks the I/O worker to flush (see exit_flush.ts). False when no cell runs.
   */
  beforeExit(code: number): boolean {
    const ctx = cellStorage.getStore() ?? this.router.running;
    if (!ctx) return false;
    this.router.emit(ctx, {
      kind: "stream",
      name: "stderr",
      text:
        `[seglab kernel] ${ctx.label} exited the process (exit code ${code}); restart the kernel to go on\n`,
    });
    const held = this.#held;
    this.#held = undefined;
    if (held) this.opts.post(held);
    this.opts.post({ t: "exit", code });
    return true;
  }

  /** An interrupt from the I/O worker. */
  interrupt(): void {
    const ctx = this.router.running;
    if (!ctx) {
      const n = this.opts.cancelTimers();
      Atomics.store(this.opts.flag, 0, 0);
      if (n) this.opts.log(`interrupt while idle: cancelled ${n} pending timer(s) of earlier cells`);
      return;
    }
    if (ctx.state !== "running") return;
    ctx.interrupted();
    if (ctx.held.size && !ctx.graced) {
      // Library work of this cell watches its signal and stops by itself (training finishes its
      // iteration and saves): the cell waits for it — its timers run on — so the stop's last
      // words and its StoppedError are this cell's, as a Python cell shows its KeyboardInterrupt.
      // A second interrupt ends the cell at once.
      ctx.graced = true;
      // 2: the interrupt has reached the cell's work (the I/O worker's "has not reached an
      // interrupt check" warning looks for 1); every check still sees a pending interrupt.
      Atomics.store(this.opts.flag, 0, 2);
      this.opts.log(`interrupt: ${ctx.label} waits for ${ctx.held.size} stopping task(s) of its own`);
      this.router.emit(ctx, {
        kind: "stream",
        name: "stderr",
        text: "[seglab kernel] interrupt: stopping after the step in progress and saving " +
          "(interrupt again to end the cell now)\n",
      });
      const end = () => {
        if (ctx.state !== "running") return;
        this.opts.cancelTimers(ctx);
        ctx.abort(new InterruptError());
      };
      Promise.allSettled([...ctx.held]).then(() => setTimeout(end, 0));
      return;
    }
    this.opts.cancelTimers(ctx);
    ctx.abort(new InterruptError());
  }

  /** An error nobody caught (a callback threw, a promise rejected without a handler). */
  uncaught(err: unknown, origin: CellContext | undefined): void {
    if (err instanceof InterruptError && (origin?.cancelled || Atomics.load(this.opts.flag, 0) !== 0)) return;
    const ctx = origin ?? this.router.running;
    const content = this.formatError(err);
    content.traceback.unshift(
      `Uncaught ${content.ename} in a callback or promise of ${ctx?.label ?? "the kernel"}:`,
    );
    if (ctx && ctx.state === "running") {
      ctx.error ??= content;
      this.router.emit(ctx, { kind: "error", content });
      ctx.abort(new Reported());
    } else {
      this.router.emit(ctx, { kind: "error", content });
    }
  }

  /** A value displayed by the library's `display()` or `Progress`. */
  display(
    bundle: Bundle | Promise<Bundle>,
    opts: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> },
  ): void {
    this.router.emit(cellStorage.getStore() ?? this.router.running, { kind: "display", bundle, ...opts });
  }

  /** Text written by cell code. */
  print(name: "stdout" | "stderr", text: string): void {
    if (!text) return;
    this.router.emit(cellStorage.getStore() ?? this.router.running, { kind: "stream", name, text });
  }
}

/** True when a result's content holds only strings (then it clones and serializes as it is). */
function isPlainBundle(content: Record<string, unknown>): boolean {
  const data = content.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== "object") return false;
  for (const k in data) if (typeof data[k] !== "string") return false;
  const meta = content.metadata as Record<string, unknown> | undefined;
  return !meta || Object.keys(meta).length === 0;
}

function formatDiagnostic(label: string, d: CellDiagnostic): string {
  return `${label}:${d.line}:${d.column} - ${d.category} TS${d.code}: ${d.message}`;
}

let channel: MessageChannel | undefined;
const waiting: Array<() => void> = [];
/** Resolves after one turn of the event loop (faster than a zero timeout). */
export function macrotask(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const c = channel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    c.port2.postMessage(0);
  });
}

export { inspectText };
