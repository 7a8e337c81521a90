/**
 * A small Jupyter client over the kernel's protocol modules: connects to a kernel's sockets,
 * sends requests, and collects each request's iopub messages up to its `idle`. The benchmark
 * and the headless runner use it; it speaks to any Jupyter kernel, not only seglab's.
 *
 * @example
 * ```ts
 * import { KernelClient } from "seglab/kernel";
 * const client = new KernelClient(info);          // info: a ConnectionInfo
 * const { reply, outputs } = await client.execute("1 + 1");
 * console.log(reply.content.status, outputs[0].content); // ok { execution_count: 1, data: {...} }
 * client.close();
 * ```
 * @module
 */
import type { ConnectionInfo } from "./protocol/connection.ts";
import { makeMessage, type Message, newId, parentId } from "./protocol/message.ts";
import { createSigner, type Signer } from "./protocol/signer.ts";
import { decodeFrames, encodeFrames } from "./protocol/wire.ts";
import { type ClientSockets, connectClientSockets, receiveLoop, SendQueue } from "./protocol/zmq.ts";

/** What a request produced. */
export interface Exchange {
  reply: Message;
  /** iopub messages with this request as parent, `status` and `execute_input` excluded, in order. */
  outputs: Message[];
  /** Every iopub message with this request as parent, in order (status included). */
  iopub: Message[];
}

interface Waiter {
  iopub: Message[];
  reply?: Message;
  idle: boolean;
  resolve(e: Exchange): void;
  reject(e: Error): void;
  timer?: number;
}

/** A client of one kernel. */
export class KernelClient {
  readonly session = newId();
  readonly #sockets: ClientSockets;
  readonly #signer: Signer;
  readonly #queues: Record<"shell" | "control" | "stdin", SendQueue>;
  readonly #waiters = new Map<string, Waiter>();
  /** iopub messages that belong to no pending request. */
  readonly unclaimed: Message[] = [];
  /** Called for `input_request`s; returns the reply value. */
  onInput: (prompt: string, password: boolean) => string | Promise<string> = () => "";
  #closed = false;

  constructor(readonly info: ConnectionInfo) {
    this.#signer = createSigner(info.signature_scheme, info.key);
    this.#sockets = connectClientSockets(info, this.session);
    this.#queues = {
      shell: new SendQueue(this.#sockets.shell),
      control: new SendQueue(this.#sockets.control),
      stdin: new SendQueue(this.#sockets.stdin),
    };
    this.#read("shell");
    this.#read("control");
    this.#read("iopub");
    this.#read("stdin");
  }

  async #read(channel: "shell" | "control" | "iopub" | "stdin"): Promise<void> {
    try {
      await receiveLoop(this.#sockets[channel], async (frames) => {
        const d = decodeFrames(frames, this.#signer);
        if (!d.ok) return;
        const msg = d.message;
        if (channel === "stdin") {
          if (msg.header.msg_type === "input_request") {
            const c = msg.content as { prompt?: string; password?: boolean };
            const value = await this.onInput(c.prompt ?? "", Boolean(c.password));
            const reply = makeMessage("input_reply", { value }, {
              session: this.session,
              parent: msg.header,
            });
            this.#queues.stdin.send(encodeFrames(reply, this.#signer));
          }
          return;
        }
        const pid = parentId(msg);
        const w = pid ? this.#waiters.get(pid) : undefined;
        if (!w) {
          if (channel === "iopub") this.unclaimed.push(msg);
          return;
        }
        if (channel === "iopub") {
          w.iopub.push(msg);
          if (
            msg.header.msg_type === "status" &&
            (msg.content as { execution_state?: string }).execution_state === "idle"
          ) w.idle = true;
        } else w.reply = msg;
        this.#settle(pid!, w);
      }, "poll");
    } catch (e) {
      if (!this.#closed) { for (const w of this.#waiters.values()) w.reject(e as Error); }
    }
  }

  #settle(id: string, w: Waiter): void {
    if (!w.reply || !w.idle) return;
    this.#waiters.delete(id);
    clearTimeout(w.timer as never);
    const outputs = w.iopub.filter((m) =>
      m.header.msg_type !== "status" && m.header.msg_type !== "execute_input"
    );
    w.resolve({ reply: w.reply, outputs, iopub: w.iopub });
  }

  /**
   * Sends a request and resolves with its reply and iopub messages once both the reply and the
   * `idle` status arrived (`control` requests: once the reply arrived).
   */
  request(
    msgType: string,
    content: Record<string, unknown>,
    opts: { channel?: "shell" | "control"; timeoutMs?: number } = {},
  ): Promise<Exchange> {
    const channel = opts.channel ?? "shell";
    const msg = makeMessage(msgType, content, { session: this.session });
    return new Promise<Exchange>((resolve, reject) => {
      const w: Waiter = { iopub: [], idle: channel === "control", resolve, reject };
      if (opts.timeoutMs) {
        w.timer = setTimeout(() => {
          this.#waiters.delete(msg.header.msg_id);
          reject(new Error(`${msgType}: no reply and idle within ${opts.timeoutMs} ms`));
        }, opts.timeoutMs) as unknown as number;
      }
      this.#waiters.set(msg.header.msg_id, w);
      this.#queues[channel].send(encodeFrames(msg, this.#signer));
    });
  }

  /** Runs code. */
  execute(
    code: string,
    opts: { timeoutMs?: number; allowStdin?: boolean; silent?: boolean; stopOnError?: boolean } = {},
  ): Promise<Exchange> {
    return this.request("execute_request", {
      code,
      silent: opts.silent ?? false,
      store_history: !(opts.silent ?? false),
      user_expressions: {},
      allow_stdin: opts.allowStdin ?? false,
      stop_on_error: opts.stopOnError ?? true,
    }, { timeoutMs: opts.timeoutMs });
  }

  /** Sends `interrupt_request` on control. */
  interrupt(timeoutMs = 5000): Promise<Exchange> {
    return this.request("interrupt_request", {}, { channel: "control", timeoutMs });
  }

  /** Sends `shutdown_request` on control. */
  shutdown(restart = false, timeoutMs = 5000): Promise<Exchange> {
    return this.request("shutdown_request", { restart }, { channel: "control", timeoutMs });
  }

  /** Waits until `kernel_info_request` is answered (retrying while the kernel starts). */
  async waitReady(timeoutMs = 30000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      try {
        const ex = await this.request("kernel_info_request", {}, {
          timeoutMs: Math.min(1000, Math.max(1, deadline - Date.now())),
        });
        return ex.reply;
      } catch (e) {
        if (Date.now() >= deadline) {
          throw new Error(
            `the kernel did not answer kernel_info within ${timeoutMs} ms (${(e as Error).message})`,
          );
        }
      }
    }
  }

  /** Closes the sockets. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiters.values()) clearTimeout(w.timer as never);
    this.#sockets.close();
  }
}
