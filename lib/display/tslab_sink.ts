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
import type { DisplayOptions, OutputSink } from "./sink.ts";
import type { MimeBundle } from "./mime.ts";

type Writer = (
  content: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;
interface TslabJupyter {
  lastWriteDisplayData: Writer | null;
}

let found: TslabJupyter | null | undefined;

/** tslab's `jupyter` module when this process is a tslab kernel. */
function tslabJupyter(): TslabJupyter | null {
  if (found !== undefined) return found;
  found = null;
  try {
    const cache = createRequire(import.meta.url).cache as Record<string, { exports?: unknown } | undefined>;
    for (const key of Object.keys(cache)) {
      if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) {
        const exp = cache[key]?.exports as Partial<TslabJupyter> | undefined;
        if (exp && "lastWriteDisplayData" in exp) found = exp as TslabJupyter;
        break;
      }
    }
  } catch {
    // No CommonJS loader (a browser): not tslab.
  }
  return found;
}

/** The tslab sink, or undefined outside tslab. */
export function tslabSink(): OutputSink | undefined {
  const j = tslabJupyter();
  if (!j) return undefined;
  let n = 0;
  return {
    name: "tslab",
    display(bundle: MimeBundle | Promise<MimeBundle>, opts: DisplayOptions): void {
      const write = j.lastWriteDisplayData;
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
