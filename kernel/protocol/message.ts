/**
 * Jupyter messages (messaging protocol 5.3): headers, messages, and the helpers that make them.
 * Shared by the kernel and by clients (the headless runner).
 *
 * @example
 * ```ts
 * import { makeMessage } from "seglab/kernel";
 * const req = makeMessage("execute_request", { code: "1 + 1", silent: false }, { session: "s1" });
 * console.log(req.header.msg_type, req.header.version); // execute_request 5.3
 * ```
 * @module
 */

/** The protocol version this code speaks. */
export const PROTOCOL_VERSION = "5.3";

/** A message header. */
export interface Header {
  msg_id: string;
  session: string;
  username: string;
  /** ISO 8601 with time zone. */
  date: string;
  msg_type: string;
  version: string;
  /** Any other fields a peer sent are kept. */
  [key: string]: unknown;
}

/** A Jupyter message as it travels between peers (identities and signature removed). */
export interface Message<C = Record<string, unknown>> {
  header: Header;
  /** The header of the message that caused this one, or `{}`. */
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  /** Binary buffers after the content frame. */
  buffers: Uint8Array[];
}

/** The five kernel channels. */
export type Channel = "shell" | "control" | "iopub" | "stdin" | "hb";

/** A random message id (UUID v4). */
export function newId(): string {
  return crypto.randomUUID();
}

/** Options of {@linkcode makeMessage}. */
export interface MakeMessageOptions {
  /** The session id of the sender. */
  session: string;
  /** Default "seglab". */
  username?: string;
  /** The message this one answers or belongs to. */
  parent?: Header | Record<string, never>;
  metadata?: Record<string, unknown>;
  buffers?: Uint8Array[];
}

/** Builds a message with a fresh header. */
export function makeMessage<C = Record<string, unknown>>(
  msgType: string,
  content: C,
  opts: MakeMessageOptions,
): Message<C> {
  return {
    header: {
      msg_id: newId(),
      session: opts.session,
      username: opts.username ?? "seglab",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: opts.parent ?? {},
    metadata: opts.metadata ?? {},
    content,
    buffers: opts.buffers ?? [],
  };
}

/** The `msg_id` of a message's parent, or undefined. */
export function parentId(msg: Pick<Message, "parent_header">): string | undefined {
  const id = (msg.parent_header as Partial<Header>).msg_id;
  return typeof id === "string" ? id : undefined;
}
