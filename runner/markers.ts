/**
 * Error marker cells, as papermill writes them: a banner at the top of a failed run's output
 * notebook that says what happened and links to an anchor cell placed right before the cell
 * where the run stopped. Both are markdown cells tagged `seglab-error-cell`; a later run of the
 * output notebook removes them first.
 * @module
 */
import { type Cell, cellTags, type MarkdownCell, newCellId, type Notebook } from "./notebook.ts";

/** The tag of marker cells. */
export const ERROR_CELL_TAG = "seglab-error-cell";
/** The HTML id of the anchor before the failing cell. */
export const ERROR_ANCHOR = "seglab-error-cell";

/** Removes marker cells left by an earlier run. */
export function withoutMarkers(nb: Notebook): Notebook {
  return { ...nb, cells: nb.cells.filter((c) => !cellTags(c).includes(ERROR_CELL_TAG)) };
}

function escapeMd(s: string): string {
  return s.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!).replace(
    /([\\`*_[\]])/g,
    "\\$1",
  );
}

function marker(source: string, kind: string): MarkdownCell {
  return {
    cell_type: "markdown",
    id: `seglab-error-${newCellId()}`,
    source,
    metadata: { tags: [ERROR_CELL_TAG], seglab: { marker: kind } },
  };
}

/** What went wrong, for the markers. */
export interface Failure {
  /** "error" (a cell raised), "timeout", "kernel_died", "aborted". */
  kind: "error" | "timeout" | "kernel_died" | "aborted";
  /** Index of the cell where the run stopped (in `nb.cells`), or -1 (before any cell). */
  cellIndex: number;
  /** The cell's execution count, when it has one. */
  executionCount?: number | null;
  /** One line: "ZeroDivisionError: division by zero", "cell timed out after 30 s…". */
  summary: string;
  /** More lines (the kernel's last stderr output…), shown in a code block. */
  details?: string;
}

/**
 * Adds the banner (top) and the anchor (before the failing cell) to `nb`; returns a new
 * notebook. Cell indices in `failure` refer to `nb` as given.
 */
export function addMarkers(nb: Notebook, failure: Failure): Notebook {
  const cells: Cell[] = [...nb.cells];
  const where = failure.cellIndex >= 0
    ? `cell ${failure.cellIndex + 1}${failure.executionCount ? ` (In [${failure.executionCount}])` : ""}`
    : "start-up";
  const title = {
    error: `An exception was raised in ${where}; the run stopped there.`,
    timeout: `The run timed out in ${where}.`,
    kernel_died: `The kernel died${
      failure.cellIndex >= 0 ? ` while running ${where}` : " before it could run any cell"
    }.`,
    aborted: `The run was stopped by the user in ${where}.`,
  }[failure.kind];
  const link = failure.cellIndex >= 0 ? ` [Go to the cell](#${ERROR_ANCHOR}).` : "";
  const details = failure.details?.trim()
    ? `\n\n\`\`\`\n${failure.details.trim().replace(/```/g, "ʼʼʼ")}\n\`\`\``
    : "";
  const banner = marker(
    `<span style="color:#b00020;font-size:1.3em">**seglab nb: ${escapeMd(title)}**</span>${link}\n\n` +
      `${escapeMd(failure.summary)}${details}\n`,
    "banner",
  );
  if (failure.cellIndex >= 0) {
    cells.splice(
      failure.cellIndex,
      0,
      marker(
        `<span id="${ERROR_ANCHOR}"></span>**seglab nb: the run stopped at the next cell:** ${
          escapeMd(failure.summary)
        }\n`,
        "anchor",
      ),
    );
  }
  cells.unshift(banner);
  return { ...nb, cells };
}
