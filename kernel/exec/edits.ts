/**
 * Text edits and the position map they leave behind: after inserting guards and wrappers into
 * a cell, a position in the rewritten text (from a stack trace) maps back to the cell's own
 * line and column.
 * @module
 */

/** Replace `del` characters at `pos` (an offset in the original text) with `text`. */
export interface Edit {
  pos: number;
  del: number;
  text: string;
}

/** Maps offsets and line/columns of rewritten text back to the original. */
export class PositionMap {
  readonly #edits: Edit[];
  readonly #origLines: number[];
  readonly #genLines: number[];

  constructor(edits: readonly Edit[], readonly original: string, readonly generated: string) {
    this.#edits = [...edits];
    this.#origLines = lineStarts(original);
    this.#genLines = lineStarts(generated);
  }

  /** The original offset of generated offset `g`. Inside inserted text → where it was inserted. */
  toOriginal(g: number): number {
    let delta = 0; // generated - original, before the current edit
    for (const e of this.#edits) {
      const genStart = e.pos + delta;
      if (g < genStart) break;
      if (g < genStart + e.text.length) return e.pos;
      delta += e.text.length - e.del;
    }
    return Math.max(0, Math.min(this.original.length, g - delta));
  }

  /** Maps a 1-based line/column of the generated text to the original's (1-based). */
  toOriginalLineCol(line: number, column: number): { line: number; column: number } {
    const start = this.#genLines[Math.max(0, Math.min(line - 1, this.#genLines.length - 1))];
    const o = this.toOriginal(start + Math.max(0, column - 1));
    return offsetToLineCol(this.#origLines, o);
  }
}

/** Offsets at which each line starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of `offset`. */
export function offsetToLineCol(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/**
 * Applies edits (offsets in `text`, not overlapping; equal offsets keep their order) and returns
 * the new text with its position map.
 */
export function applyEdits(text: string, edits: readonly Edit[]): { text: string; map: PositionMap } {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.pos - b.e.pos || a.i - b.i).map((x) =>
    x.e
  );
  let out = "";
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.pos) + e.text;
    at = e.pos + e.del;
  }
  out += text.slice(at);
  return { text: out, map: new PositionMap(sorted, text, out) };
}
