/**
 * A Jupyter client over ZeroMQ (messaging protocol 5.3): connects to a kernel's five channels,
 * signs what it sends, checks the signature of what it receives, and routes replies to their
 * requests and iopub messages to whoever listens. Works with any kernel (seglab's, Deno's,
 * ipykernel, tslab…).
 *
 * @example
 * ```ts
 * import { KernelConnection, findKernelSpec, spawnKernel } from "seglab/runner";
 * const k = await spawnKernel((await findKernelSpec("python3"))!, { cwd: "." });
 * const client = new KernelConnection(k.connection);
 * const info = await client.waitForReady({ timeoutMs: 60_000 });
 * console.log(info.content.implementation);
 * const off = client.onIopub((m) => console.log(m.header.msg_type));
 * const req = client.send("shell", "execute_request", { code: "1 + 1", silent: false });
 * console.log((await client.reply(req)).content.status); // ok
 * off(); await client.close(); await k.kill();
 * ```
 * @module
 */
import type { ConnectionInfo } from "../../kernel/protocol/connection.ts";
import { makeMessage, type Message, parentId } from "../../kernel/protocol/message.ts";
import { createSigner, type Signer } from "../../kernel/protocol/signer.ts";
import { decodeFrames, encodeFrames } from "../../kernel/protocol/wire.ts";
import {
  type ClientSockets,
  connectClientSockets,
  SendQueue,
  type ZSocket,
} from "../../kernel/protocol/zmq.ts";

/** The channels a client sends requests on. */
export type RequestChannel = "shell" | "control" | "stdin";

/** A reply that did not come in time, or a client that was closed while waiting. */
export class KernelConnectionError extends Error {
  override name = "KernelConnectionError";
}

/** Options of {@linkcode KernelConnection}. */
export interface KernelConnectionOptions {
  /** The client's session id (default: a fresh UUID). */
  session?: string;
  /** Default "seglab". */
  username?: string;
  /** Called for each refused message (bad signature, bad JSON), e.g. to log it. */
  onRefused?: (channel: string, reason: string) => void;
}

interface Waiter {
  resolve(m: Message): void;
  reject(e: Error): void;
}

/** A connection to a running kernel. */
export class KernelConnection {
  readonly session: string;
  readonly #username: string;
  readonly #signer: Signer;
  readonly #sockets: ClientSockets;
  readonly #queues: Record<RequestChannel, SendQueue>;
  readonly #waiters = new Map<string, Waiter>();
  readonly #iopub = new Set<(m: Message) => void>();
  readonly #stdin = new Set<(m: Message) => void>();
  readonly #onRefused?: (channel: string, reason: string) => void;
  #closed = false;
  #readers: Promise<void>[] = [];

  constructor(info: ConnectionInfo, opts: KernelConnectionOptions = {}) {
    this.session = opts.session ?? crypto.randomUUID();
    this.#username = opts.username ?? "seglab";
    this.#signer = createSigner(info.signature_scheme, info.key);
    this.#onRefused = opts.onRefused;
    this.#sockets = connectClientSockets(info, `seglab-nb-${this.session.slice(0, 8)}`);
    const onError = (e: unknown) => {
      if (!this.#closed) this.#onRefused?.("send", (e as Error).message);
    };
    this.#queues = {
      shell: new SendQueue(this.#sockets.shell, onError),
      control: new SendQueue(this.#sockets.control, onError),
      stdin: new SendQueue(this.#sockets.stdin, onError),
    };
    this.#readers = [
      this.#read("shell", this.#sockets.shell, (m) => this.#settle(m)),
      this.#read("control", this.#sockets.control, (m) => this.#settle(m)),
      this.#read("iopub", this.#sockets.iopub, (m) => {
        for (const fn of [...this.#iopub]) fn(m);
      }),
      this.#read("stdin", this.#sockets.stdin, (m) => {
        for (const fn of [...this.#stdin]) fn(m);
      }),
    ];
  }

  /**
   * Reads a socket until the connection closes, polling: `receiveTimeout` 0 makes `receive()`
   * answer at once (a message, or EAGAIN), so no native poll is ever left waiting on a socket.
   * Under Deno, zeromq's addon can crash when a socket is closed while its `uv_poll` waits
   * (`Poller::Callback` on a freed socket), and its receive timers crash too; polling from here
   * avoids both. The interval is 1 ms right after traffic, growing to 20 ms when idle.
   */
  async #read(channel: string, socket: ZSocket, deliver: (m: Message) => void): Promise<void> {
    socket.receiveTimeout = 0;
    let quiet = 0;
    while (!this.#closed) {
      let frames: Uint8Array[];
      try {
        frames = await socket.receive();
        quiet = 0;
      } catch (e) {
        if ((e as { code?: string }).code === "EAGAIN") {
          quiet++;
          await new Promise((r) => setTimeout(r, quiet < 20 ? 1 : quiet < 120 ? 5 : 20));
          continue;
        }
        if (!this.#closed) this.#onRefused?.(channel, `socket failed: ${(e as Error).message}`);
        return;
      }
      const d = decodeFrames(frames, this.#signer);
      if (!d.ok) {
        this.#onRefused?.(channel, d.reason);
        continue;
      }
      try {
        deliver(d.message);
      } catch (e) {
        this.#onRefused?.(channel, `handler failed: ${(e as Error).message}`);
      }
    }
  }

  #settle(m: Message): void {
    const id = parentId(m);
    const w = id ? this.#waiters.get(id) : undefined;
    if (w) {
      this.#waiters.delete(id!);
      w.resolve(m);
    }
  }

  /** Listens to every iopub message; returns a function that stops listening. */
  onIopub(fn: (m: Message) => void): () => void {
    this.#iopub.add(fn);
    return () => this.#iopub.delete(fn);
  }

  /** Listens to stdin requests (`input_request`); returns a function that stops listening. */
  onStdin(fn: (m: Message) => void): () => void {
    this.#stdin.add(fn);
    return () => this.#stdin.delete(fn);
  }

  /** Sends a message; the reply (if any) is awaited with {@linkcode reply}. */
  send<C = Record<string, unknown>>(
    channel: RequestChannel,
    msgType: string,
    content: C,
    parent?: Message,
  ): Message<C> {
    if (this.#closed) throw new KernelConnectionError("the client is closed");
    const msg = makeMessage(msgType, content, {
      session: this.session,
      username: this.#username,
      parent: parent?.header,
    });
    // Register before sending so a fast reply is not missed.
    if (channel !== "stdin") {
      let resolve!: (m: Message) => void, reject!: (e: Error) => void;
      const p = new Promise<Message>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      p.catch(() => {});
      this.#pending.set(msg.header.msg_id, p);
      this.#waiters.set(msg.header.msg_id, { resolve, reject });
    }
    this.#queues[channel].send(encodeFrames(msg as Message, this.#signer));
    return msg;
  }

  readonly #pending = new Map<string, Promise<Message>>();

  /**
   * The reply to `request` (sent with {@linkcode send} on shell or control).
   * @throws {KernelConnectionError} after `timeoutMs`, or when the client is closed.
   */
  async reply(request: Message<unknown>, timeoutMs?: number): Promise<Message> {
    const id = request.header.msg_id;
    const p = this.#pending.get(id);
    if (!p) throw new KernelConnectionError(`no request ${id} is waiting for a reply`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      if (timeoutMs === undefined) return await p;
      const late = new Promise<never>((_, rej) => {
        timer = setTimeout(
          () =>
            rej(
              new KernelConnectionError(
                `no ${request.header.msg_type.replace(/_request$/, "_reply")} within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
      });
      return await Promise.race([p, late]);
    } finally {
      clearTimeout(timer);
      if (!this.#waiters.has(id)) this.#pending.delete(id);
    }
  }

  /** Forgets a request whose reply is no longer wanted. */
  forget(request: Message<unknown>): void {
    this.#waiters.delete(request.header.msg_id);
    this.#pending.delete(request.header.msg_id);
  }

  /**
   * Waits until the kernel answers `kernel_info_request` on shell AND its iopub messages reach
   * this client (ZeroMQ subscriptions take a moment; output sent before then would be lost).
   * Re-sends the request every second, as `jupyter_client` does.
   * @throws {KernelConnectionError} after `timeoutMs`, or when `alive()` turns false.
   */
  async waitForReady(opts: { timeoutMs: number; alive?: () => boolean }): Promise<Message> {
    const deadline = Date.now() + opts.timeoutMs;
    const ours = new Set<string>();
    let sawIopub = false;
    const off = this.onIopub((m) => {
      const p = parentId(m);
      if (p && ours.has(p)) sawIopub = true;
    });
    let info: Message | undefined;
    try {
      while (Date.now() < deadline) {
        if (opts.alive && !opts.alive()) throw new KernelConnectionError("the kernel exited while starting");
        const req = this.send("shell", "kernel_info_request", {});
        ours.add(req.header.msg_id);
        try {
          const r = await this.reply(req, Math.min(1000, Math.max(1, deadline - Date.now())));
          info ??= r;
        } catch (e) {
          this.forget(req);
          if (this.#closed) throw e;
        }
        if (info) {
          // Give iopub a moment to deliver this request's status messages.
          const until = Math.min(deadline, Date.now() + 500);
          while (!sawIopub && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
          if (sawIopub) return info;
        }
      }
      if (info) return info; // Replies but never publishes status: usable, if without guarantees.
      throw new KernelConnectionError(
        `the kernel did not answer kernel_info_request within ${opts.timeoutMs / 1000} s`,
      );
    } finally {
      off();
    }
  }

  /**
   * Closes the connection: pending replies reject at once; the sockets are closed once their
   * readers have stopped (within about 20 ms) and queued sends have left.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#waiters.values()) w.reject(new KernelConnectionError("the client was closed"));
    this.#waiters.clear();
    this.#pending.clear();
    await Promise.all(this.#readers);
    const flushed = Promise.all(Object.values(this.#queues).map((q) => q.flush()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([flushed, new Promise((r) => timer = setTimeout(r, 1000))]);
    clearTimeout(timer);
    this.#sockets.close();
  }
}
