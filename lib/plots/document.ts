/** A server-side DOM (linkedom) for Observable Plot, created once. */
import { parseHTML } from "linkedom";

/** The document type Plot's `document` option takes (opaque here: no DOM typings are needed). */
export type PlotDocument = object;

let doc: PlotDocument | null = null;

/** The shared document Plot renders into. */
export function plotDocument(): PlotDocument {
  if (!doc) {
    doc =
      (parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown as { document: object })
        .document;
  }
  return doc;
}
