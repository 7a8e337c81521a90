/**
 * The language worker: answers `complete_request`, `inspect_request` and `is_complete_request`
 * for the I/O worker, and type-checks cells for the main thread, from the TypeScript language
 * service over the cells run so far. It runs beside cells, so building types never delays them.
 * @module
 */
/// <reference lib="deno.worker" />
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { IoToLang, LangToIo, LangToMain, MainToLang } from "../bridge.ts";
import { loadTypeScript } from "../typescript.ts";
import { codePointsToUtf16, NotebookService, utf16ToCodePoints } from "./service.ts";
import { readImportMap } from "./resolve.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
let service: NotebookService | undefined;
let failure: string | undefined;
let warmTimer: number | undefined;

function log(s: string): void {
  console.error(`[seglab kernel] ${s}`);
}

/** Deno's type declarations, cached per Deno version. */
async function denoTypes(): Promise<string> {
  const cache = join(tmpdir(), `seglab-deno-types-${Deno.version.deno}.d.ts`);
  try {
    return await Deno.readTextFile(cache);
  } catch { /* not cached yet */ }
  const out = await new Deno.Command(Deno.execPath(), { args: ["types"], stdout: "piped", stderr: "null" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (out.success && text.length > 1000) {
    const tmp = `${cache}.${Deno.pid}`;
    await Deno.writeTextFile(tmp, text).then(() => Deno.rename(tmp, cache)).catch(() => {});
  }
  return text;
}

const ready = async (cwd: string) => {
  const ts = loadTypeScript();
  const types = await denoTypes();
  service = new NotebookService(ts, {
    cwd,
    denoTypes: types,
    importMap: readImportMap(join(ROOT, "deno.json")),
    root: ROOT,
  });
  return service;
};
let started: Promise<NotebookService> | undefined;

let cwd = "";
const pendingCells: { cell: number; code: string }[] = [];

function warmSoon(svc: NotebookService, ms: number): void {
  clearTimeout(warmTimer);
  warmTimer = setTimeout(() => {
    try {
      const t0 = performance.now();
      svc.warm();
      if (Deno.env.get("SEGLAB_DEBUG_LANG")) log(`warm ${(performance.now() - t0).toFixed(0)} ms`);
    } catch (err) {
      log(`warming the language service failed: ${(err as Error).message}`);
    }
  }, ms) as unknown as number;
}

/**
 * The language service, started on first need (a request, or half a second after start-up, once
 * the kernel has answered its first kernel_info) and warmed at once — seglab's doors parsed and
 * bound — so the first completion answers within a second.
 */
function get(): Promise<NotebookService> {
  if (!started) {
    started = ready(cwd);
    started.then((svc) => {
      for (const c of pendingCells.splice(0)) svc.addCell(c.cell, c.code);
      warmSoon(svc, 0);
    }).catch((err) => {
      failure = (err as Error).message;
      log(`the language service cannot start: ${failure}`);
    });
  }
  return started;
}

async function onIo(port: MessagePort, m: Extract<IoToLang, { t: "request" }>): Promise<void> {
  const type = m.msg.header.msg_type;
  const c = m.msg.content as { code?: string; cursor_pos?: number; detail_level?: number };
  const code = typeof c.code === "string" ? c.code : "";
  const reply = (msgType: string, content: Record<string, unknown>) =>
    port.postMessage({ t: "reply", reqId: m.reqId, msgType, content } satisfies LangToIo);
  try {
    const svc = await get();
    const pos = codePointsToUtf16(code, typeof c.cursor_pos === "number" ? c.cursor_pos : [...code].length);
    if (type === "complete_request") {
      const t0 = performance.now();
      const r = svc.complete(code, pos);
      if (Deno.env.get("SEGLAB_DEBUG_LANG")) log(`complete ${(performance.now() - t0).toFixed(0)} ms`);
      const start = utf16ToCodePoints(code, r.start), end = utf16ToCodePoints(code, r.end);
      reply("complete_reply", {
        status: "ok",
        matches: r.items.map((i) => i.text),
        cursor_start: start,
        cursor_end: end,
        metadata: {
          _jupyter_types_experimental: r.items.map((i) => ({
            start,
            end,
            text: i.text,
            type: i.type,
            signature: "",
          })),
        },
      });
    } else if (type === "inspect_request") {
      const r = svc.inspect(code, pos);
      reply(
        "inspect_reply",
        r
          ? {
            status: "ok",
            found: true,
            data: { "text/plain": r.text, "text/markdown": r.markdown },
            metadata: {},
          }
          : { status: "ok", found: false, data: {}, metadata: {} },
      );
    } else if (type === "is_complete_request") {
      reply("is_complete_reply", svc.isComplete(code));
    }
  } catch (e) {
    log(`${type} failed: ${(e as Error).stack ?? e}`);
    reply(type.replace("_request", "_reply"), {
      status: "error",
      ename: "LanguageServiceError",
      evalue: String((e as Error).message ?? e),
      traceback: [],
    });
  }
}

async function onMain(port: MessagePort, m: MainToLang): Promise<void> {
  if (m.t === "executed") {
    if (!started) {
      pendingCells.push({ cell: m.cell, code: m.code });
      return;
    }
    try {
      const svc = await started;
      svc.addCell(m.cell, m.code);
      // A cell that imports may bring large libraries: type it while the user reads the output,
      // not on the first completion. Waits for a pause so it never competes with a run of cells.
      if (/^\s*import\b/m.test(m.code)) warmSoon(svc, 1000);
    } catch (e) {
      log(`cannot add cell to the language service: ${(e as Error).message}`);
    }
  } else if (m.t === "check") {
    let reply: LangToMain;
    try {
      reply = { t: "diagnostics", id: m.id, diagnostics: (await get()).check(m.code, m.cell) };
    } catch (e) {
      reply = {
        t: "diagnostics",
        id: m.id,
        diagnostics: [],
        error: failure ?? String((e as Error).message ?? e),
      };
    }
    port.postMessage(reply);
  }
}

self.onmessage = (e: MessageEvent) => {
  const [ioPort, mainPort] = e.ports;
  cwd = (e.data as { cwd: string }).cwd;
  setTimeout(() => void get().catch(() => {}), 500);
  // Everything comes by the I/O worker's port, in one order (the main thread's messages too);
  // diagnostics go back to the main thread on its own port.
  ioPort.onmessage = (ev) => {
    const m = ev.data as IoToLang;
    if (m.t === "request") void onIo(ioPort, m);
    else void onMain(mainPort, m);
  };
};
