/**
 * The output sink under tslab (the TypeScript kernel for Node): when the library runs inside a
 * tslab kernel, `display()` and `Progress` send full MIME bundles through tslab's own display
 * channel (`display_data` / `update_display_data` with a display id), so the same helpers work
 * there as in the seglab kernel. Found by looking for tslab's modules among those Node has loaded;
 * nothing is installed outside tslab.
 *
 * Bundles computed asynchronously (figures rasterised to PNG) show a text placeholder at once and
 * replace it when ready; under tslab, keep the cell running until then (e.g. end it with an
 * `await`), since tslab drops output that arrives after a cell has finished.
 * @module
 */
import { createRequire } from "node:module";
import type { DisplayOptions, OutputSink } from "./output_sink.ts";
import type { MimeBundle } from "../core/mime.ts";

type Writer = (
  content: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;
interface TslabJupyter {
  lastWriteDisplayData: Writer | null;
}

let found: TslabJupyter[] | undefined;

/**
 * tslab's `jupyter` module(s) when this process is a tslab kernel. Node may hold two instances
 * of it (the same file reached through a symlink and its real path); the one the kernel uses is
 * the one whose writer is set while a cell runs, so all are kept.
 */
function tslabJupyter(): TslabJupyter[] {
  if (found !== undefined) return found;
  found = [];
  try {
    const cache = createRequire(import.meta.url).cache as Record<string, { exports?: unknown } | undefined>;
    for (const key of Object.keys(cache)) {
      if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) {
        const exp = cache[key]?.exports as Partial<TslabJupyter> | undefined;
        if (exp && "lastWriteDisplayData" in exp) found.push(exp as TslabJupyter);
      }
    }
  } catch {
    // No CommonJS loader (a browser): not tslab.
  }
  return found;
}

/** The tslab sink, or undefined outside tslab. */
export function tslabSink(): OutputSink | undefined {
  const modules = tslabJupyter();
  if (!modules.length) return undefined;
  let n = 0;
  return {
    name: "tslab",
    display(bundle: MimeBundle | Promise<MimeBundle>, opts: DisplayOptions): void {
      const writer = (ms: TslabJupyter[]) =>
        ms.map((m) => m.lastWriteDisplayData).find((w) => typeof w === "function");
      let write = writer(modules);
      if (!write) {
        found = undefined; // tslab may have loaded another instance since: look again
        write = writer(tslabJupyter());
      }
      if (!write) return;
      const displayId = opts.displayId ?? `seglab-tslab-${Date.now().toString(36)}-${(n++).toString(36)}`;
      const send = (b: MimeBundle, update: boolean) =>
        write({ data: b, metadata: {}, transient: { display_id: displayId } }, update);
      if (bundle instanceof Promise) {
        if (!opts.update) send({ "text/plain": "[rendering…]" }, false);
        bundle.then(
          (b) => send(b, true),
          (e) => send({ "text/plain": `display failed: ${e instanceof Error ? e.message : e}` }, true),
        );
      } else {
        send(bundle, Boolean(opts.update));
      }
    },
  };
}
