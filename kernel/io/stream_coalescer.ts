/**
 * Joins consecutive stream output (same parent, same stream) into one iopub message, so a loop
 * that prints a million lines sends a few hundred messages instead of a million. Text waits at
 * most `delayMs`; anything else sent in between flushes it first, so order is kept.
 * @module
 */
import type { Header } from "../protocol/message.ts";

type Parent = Header | Record<string, never>;
type Emit = (parent: Parent, name: string, text: string) => void;

/** Buffers stream text briefly; see the module doc. */
export class StreamCoalescer {
  #parent: Parent | undefined;
  #name = "";
  #text = "";
  #timer: number | undefined;

  constructor(readonly emit: Emit, readonly delayMs = 10, readonly maxChars = 65536) {}

  push(parent: Parent, name: string, text: string): void {
    if (
      this.#parent &&
      (this.#parent !== parent && this.#parent.msg_id !== parent.msg_id || this.#name !== name)
    ) {
      this.flush();
    }
    this.#parent = parent;
    this.#name = name;
    this.#text += text;
    if (this.#text.length >= this.maxChars) this.flush();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), this.delayMs) as unknown as number;
    }
  }

  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer as never);
      this.#timer = undefined;
    }
    if (this.#parent && this.#text) this.emit(this.#parent, this.#name, this.#text);
    this.#parent = undefined;
    this.#text = "";
  }
}
