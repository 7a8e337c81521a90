/**
 * The display protocol shared by the library and the kernel: displayable objects
 * (`Symbol.for("Jupyter.display")`), `display()`, the `Progress` reporter, and the output sink
 * a kernel installs (the terminal otherwise).
 * @module
 */
export { DISPLAY, isDisplayable } from "../core/mime.ts";
export type { Displayable, MimeBundle } from "../core/mime.ts";
export { toMimeBundle, withPlainText } from "./bundle.ts";
export { describeTensor, describeTensorAsync, tensorBundle } from "./tensor.ts";
export { display } from "./display.ts";
export type { DisplayHandle } from "./display.ts";
export { Progress } from "./progress.ts";
export type { ProgressOptions } from "./progress.ts";
export type { ProgressState } from "./progress_state.ts";
export { progressBundle, progressLine } from "./progress_format.ts";
export { getOutputSink, setOutputSink } from "./sink.ts";
export type { DisplayOptions, OutputSink } from "./sink.ts";
export { terminalSink } from "./terminal.ts";
export { toBase64 } from "../core/base64.ts";
export { escapeHtml } from "../core/escape.ts";
export { isTableLike, rowsTable, table, tableBundle } from "./table.ts";
export type { Row, TableLike } from "./table.ts";
