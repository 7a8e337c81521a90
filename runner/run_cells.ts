/**
 * The third phase of a run: the code cells executed in order on the kernel session. Each cell
 * honours nbclient's tags `skip-execution` and `raises-exception` and a `timeout=<seconds>` tag
 * over the run's timeout; its outcome (ok, error, timeout, aborted, kernel died) becomes the
 * cell's status, an error output where the kernel gave none, and whether the run goes on.
 * @module
 */
import type { CellStatus } from "./events.ts";
import { type CellOutcome, executeCell } from "./client/execute_cell.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import type { Failure } from "./markers.ts";
import { cellSource, cellTags, type CodeCell, type ErrorOutput } from "./notebook.ts";
import { describeExit, type KernelSession } from "./kernel_session.ts";
import type { RunResult } from "./run_types.ts";

const iso = () => new Date().toISOString();

/** How the cells' phase ended. */
export interface CellsEnd {
  status: RunResult["status"];
  exitCode: ExitCode;
  failure?: Failure;
}

function tagTimeout(tags: string[]): number | undefined {
  for (const t of tags) {
    const m = /^timeout=(\d+(?:\.\d+)?)$/.exec(t);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** What one executed cell came to. */
interface CellEnd {
  outcome: CellOutcome;
  status: CellStatus;
  note?: string;
  err?: ErrorOutput;
}

/** Sends the cell and waits for its outcome, recording nbclient's timestamps and the count. */
async function executeTimed(
  s: KernelSession,
  idx: number,
  code: string,
  timeoutS: number | undefined,
): Promise<CellOutcome> {
  const { record, conn, kernel } = s;
  const { options } = record;
  const cell = record.nb.cells[idx] as CodeCell;
  const meta = cell.metadata.seglab as Record<string, unknown>;
  const report = record.reports.get(idx)!;
  const c0 = performance.now();
  s.timing.set(idx, {});
  let requestId = "";
  const outcome = await executeCell(conn, kernel, code, {
    timeoutMs: timeoutS ? timeoutS * 1000 : undefined,
    interruptGraceMs: (options.interruptGrace ?? 10) * 1000,
    signal: options.signal,
    onSent: (req) => {
      requestId = req.header.msg_id;
      s.owner.set(requestId, idx);
    },
    idle: (req) => new Promise<void>((resolve) => s.idleWaiters.set(req.header.msg_id, resolve)),
  });
  s.idleWaiters.delete(requestId);
  meta.end_time = iso();
  meta.duration = Number(((performance.now() - c0) / 1000).toFixed(3));
  const tm = s.timing.get(idx)!;
  const reply = "reply" in outcome ? outcome.reply : undefined;
  if (reply) {
    tm["shell.execute_reply"] = String(reply.header.date);
    if (typeof reply.content.execution_count === "number") {
      cell.execution_count = reply.content.execution_count;
    }
  }
  if (Object.keys(tm).length) cell.metadata.execution = tm;
  report.executionCount = cell.execution_count;
  report.duration = meta.duration as number;
  return outcome;
}

/** The cell's status from its outcome; adds the error output the kernel did not send. */
function judge(
  s: KernelSession,
  idx: number,
  outcome: CellOutcome,
  timeoutS: number | undefined,
): Omit<CellEnd, "err"> {
  const cell = s.record.nb.cells[idx] as CodeCell;
  const grace = s.record.options.interruptGrace ?? 10;
  const addError = (ename: string, evalue: string, traceback: string[] = []) => {
    const out: ErrorOutput = {
      output_type: "error",
      ename,
      evalue,
      traceback: traceback.length ? traceback : [`${ename}: ${evalue}`],
    };
    cell.outputs.push(out);
    s.record.log({ type: "output", index: idx, msgType: "error", content: { ...out }, late: false });
  };
  if (outcome.kind === "error") {
    if (!cell.outputs.some((o) => o.output_type === "error")) {
      const rc = outcome.reply.content;
      if (rc.status === "error") {
        addError(
          String(rc.ename ?? "Error"),
          String(rc.evalue ?? ""),
          Array.isArray(rc.traceback) ? rc.traceback.map(String) : [],
        );
      } else {
        addError("CellAborted", `the kernel answered "${String(rc.status)}" and did not run this cell`);
      }
    }
    return { outcome, status: "failed" };
  }
  if (outcome.kind === "timeout" || outcome.kind === "aborted") {
    const ie = outcome.kind === "timeout" ? outcome.interruptError : undefined;
    const how = outcome.killed
      ? `the interrupt did not stop it within ${grace} s${
        ie
          ? (/^no interrupt_reply/.test(ie)
            ? " (the kernel did not answer the interrupt request)"
            : ` (${ie})`)
          : ""
      }, so the kernel was killed`
      : "the kernel was interrupted";
    const timeout = outcome.kind === "timeout";
    addError(
      timeout ? "CellTimeoutError" : "RunAborted",
      timeout
        ? `cell ${idx + 1} did not finish within its ${timeoutS} s timeout; ${how}`
        : `the run was stopped by the user during cell ${idx + 1}; ${how}`,
    );
    return {
      outcome,
      status: timeout ? "timed_out" : "failed",
      note: timeout ? `timed out after ${timeoutS} s; ${how}` : `stopped by the user; ${how}`,
    };
  }
  if (outcome.kind === "died") {
    addError(
      "DeadKernelError",
      `the kernel died while running cell ${idx + 1} (${describeExit(outcome.exit, s.kernel.tail())})`,
    );
    return {
      outcome,
      status: "failed",
      note: `the kernel died (${describeExit(outcome.exit, s.kernel.tail())})`,
    };
  }
  return { outcome, status: "completed" };
}

/** Runs one code cell: start, execute, judge, record, log. */
async function runCell(s: KernelSession, idx: number, ordinal: number): Promise<CellEnd | undefined> {
  const { record } = s;
  const cell = record.nb.cells[idx] as CodeCell;
  const meta = (cell.metadata.seglab ?? {}) as Record<string, unknown>;
  cell.metadata.seglab = meta;
  const report = record.reports.get(idx)!;
  const tags = cellTags(cell);
  const code = cellSource(cell);
  if (tags.includes("skip-execution") || code.trim() === "") {
    meta.status = report.status = "skipped";
    return undefined;
  }
  s.current = idx;
  meta.status = report.status = "running";
  meta.start_time = iso();
  record.log({ type: "cell-start", index: idx, ordinal, total: record.codeCells.length, cell });
  const timeoutS = tagTimeout(tags) ?? record.options.timeout;
  const outcome = await executeTimed(s, idx, code, timeoutS);
  let { status, note } = judge(s, idx, outcome, timeoutS);
  const err = cell.outputs.find((o): o is ErrorOutput => o.output_type === "error");
  const expected = tags.includes("raises-exception");
  // Some kernels (tslab) report errors only as outputs; an error output is an error.
  if (status === "completed" && err && !expected && outcome.kind === "ok") status = "failed";
  if (expected && status === "failed" && outcome.kind === "error") status = "completed";
  meta.status = report.status = status;
  meta.exception = status === "failed" || status === "timed_out";
  if (err && (status !== "completed" || expected)) report.error = { ename: err.ename, evalue: err.evalue };
  record.log({
    type: "cell-end",
    index: idx,
    status,
    seconds: meta.duration as number,
    executionCount: cell.execution_count,
    error: report.error,
    note,
  });
  return { outcome, status, note, err };
}

/**
 * Whether the run stops after this cell, and how it then ends; `failure` carries over (a
 * timeout with `allowErrors` is remembered while later cells run).
 */
function verdict(
  s: KernelSession,
  idx: number,
  end: CellEnd,
  state: CellsEnd,
): { stop: boolean; state: CellsEnd } {
  const { outcome, status, note, err } = end;
  const cell = s.record.nb.cells[idx] as CodeCell;
  const allowErrors = s.record.options.allowErrors;
  const executionCount = cell.execution_count;
  const summary = outcome.kind === "timeout" || outcome.kind === "aborted"
    ? `cell ${idx + 1} ${note}`
    : err
    ? `${err.ename}: ${err.evalue}`
    : note ?? "";
  if (outcome.kind === "died") {
    const failure: Failure = {
      kind: "kernel_died",
      cellIndex: idx,
      executionCount,
      summary: `The kernel died while running this cell (${
        describeExit(outcome.exit, s.kernel.tail())
      }); the cells after it did not run.`,
      details: s.kernel.tail(),
    };
    return { stop: true, state: { status: "kernel_died", exitCode: EXIT.kernelDied, failure } };
  }
  if (outcome.kind === "aborted") {
    const failure: Failure = { kind: "aborted", cellIndex: idx, executionCount, summary };
    return { stop: true, state: { status: "aborted", exitCode: EXIT.aborted, failure } };
  }
  if (outcome.kind === "timeout") {
    const failure = state.failure ?? { kind: "timeout", cellIndex: idx, executionCount, summary };
    return {
      stop: outcome.killed || !allowErrors,
      state: { status: "timed_out", exitCode: EXIT.timeout, failure },
    };
  }
  if (status === "failed" && !allowErrors) {
    const failure: Failure = { kind: "error", cellIndex: idx, executionCount, summary };
    return { stop: true, state: { status: "failed", exitCode: EXIT.cellError, failure } };
  }
  return { stop: false, state };
}

/** Runs the code cells until the end or the first cell that stops the run. */
export async function runCells(s: KernelSession): Promise<CellsEnd> {
  let state: CellsEnd = { status: "completed", exitCode: EXIT.ok };
  let ordinal = 0;
  for (const idx of s.record.codeCells) {
    ordinal++;
    const end = await runCell(s, idx, ordinal);
    if (!end) continue;
    const v = verdict(s, idx, end, state);
    state = v.state;
    if (v.stop) break;
    if (end.outcome.kind !== "timeout" && end.status !== "failed") s.record.autosave();
  }
  s.current = -1;
  return state;
}
