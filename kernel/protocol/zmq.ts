/**
 * ZeroMQ for the kernel and its clients, through the `zeromq` npm package (its prebuilt native
 * addon loads in Deno). The package is loaded with `createRequire` relative to this file, so the
 * kernel finds it in its own `node_modules` whatever the notebook's working directory and its
 * import map are.
 *
 * Under Deno the addon's receive is not reliable on its own: ZeroMQ signals readiness
 * edge-triggered, and Deno's emulation of libuv's `uv_poll` misses some of those edges, so a
 * pending `receive()` can wait forever with messages queued (measured: 6 runs in 10 lost the
 * first message; Node: 0 in 10); its `uv_timer` emulation ends the process when a
 * `receiveTimeout` expires. {@linkcode receiveLoop} works around both: ROUTER sockets are
 * "kicked" by a periodic send to an identity nobody has (ROUTER drops it; the send makes the addon
 * re-check readability), and other sockets are polled through their `readable` property.
 * @module
 */
import { createRequire } from "node:module";
import type { ConnectionInfo } from "./connection.ts";
import { endpoint } from "./connection.ts";

// deno-lint-ignore no-explicit-any
type Zmq = any;
let zmq: Zmq | undefined;

/** The `zeromq` module (loaded on first use). */
export function loadZmq(): Zmq {
  if (!zmq) {
    try {
      zmq = createRequire(import.meta.url)("zeromq");
    } catch (e) {
      throw new Error(
        `cannot load the "zeromq" package (${(e as Error).message}); run \`npm install\` in the seglab ` +
          `checkout that holds this kernel (${new URL("../..", import.meta.url).pathname})`,
      );
    }
  }
  return zmq;
}

/** A ZeroMQ socket as this code uses it. */
export interface ZSocket {
  send(frames: unknown): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array[]>;
  // deno-lint-ignore no-explicit-any
  [option: string]: any;
}

/**
 * Serializes sends on one socket: `zeromq` allows a single pending send per socket, and
 * Jupyter needs messages on a channel to leave in the order they were made.
 */
export class SendQueue {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  constructor(readonly socket: ZSocket, readonly onError: (e: unknown) => void = () => {}) {}

  /** Queues `frames`; the promise settles when they are handed to ZeroMQ. */
  send(frames: Uint8Array[]): Promise<void> {
    this.#pending++;
    const p = this.#tail.then(() => this.socket.send(frames)).catch(this.onError).finally(() =>
      this.#pending--
    );
    this.#tail = p;
    return p;
  }

  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  flush(): Promise<void> {
    return this.#tail;
  }

  /** Messages not yet handed to ZeroMQ. */
  get pending(): number {
    return this.#pending;
  }
}

/** How {@linkcode receiveLoop} notices messages the addon's poller missed. */
export type ReceiveMode = "kick" | "poll";

const KICK_IDENTITY = new TextEncoder().encode("seglab-kick-nobody");
const EMPTY = new Uint8Array(0);

/**
 * Calls `onFrames` for every message `socket` receives until it is closed. `kick` (ROUTER
 * sockets): a pending receive plus a send to a nonexistent identity every `intervalMs`. `poll`
 * (any socket): checks `readable` every `intervalMs` (1 ms right after traffic) and receives only
 * when a message is there, until `signal` aborts.
 */
export function receiveLoop(
  socket: ZSocket,
  onFrames: (frames: Uint8Array[]) => void | Promise<void>,
  mode: ReceiveMode,
  intervalMs = 10,
  signal?: AbortSignal,
): Promise<void> {
  if (mode === "kick") {
    const kick = setInterval(() => {
      if (socket.closed) return clearInterval(kick);
      socket.send([KICK_IDENTITY, EMPTY]).catch(() => {});
    }, intervalMs);
    return (async () => {
      try {
        while (!socket.closed) {
          let frames: Uint8Array[];
          try {
            frames = await socket.receive();
          } catch (e) {
            if (socket.closed || (e as { code?: string }).code === "EAGAIN") continue;
            throw e;
          }
          await onFrames(frames);
        }
      } finally {
        clearInterval(kick);
      }
    })();
  }
  return (async () => {
    let idleSince = performance.now();
    while (!socket.closed && !signal?.aborted) {
      let ready = false;
      try {
        ready = socket.readable;
      } catch {
        if (socket.closed) return;
      }
      if (ready) {
        await onFrames(await socket.receive());
        idleSince = performance.now();
        continue;
      }
      const idle = performance.now() - idleSince;
      await new Promise((r) => setTimeout(r, idle < 50 ? 0 : idle < 500 ? 1 : intervalMs));
    }
  })();
}

/**
 * The kernel's bound sockets. Heartbeat is a ROUTER (it answers REQ clients like a REP socket
 * would, and can be kicked; see the module doc).
 */
export interface KernelSockets {
  shell: ZSocket;
  control: ZSocket;
  stdin: ZSocket;
  iopub: ZSocket;
  hb: ZSocket;
  close(): void;
}

/** Binds the five kernel sockets to the connection's endpoints. */
export async function bindKernelSockets(info: ConnectionInfo): Promise<KernelSockets> {
  const z = loadZmq();
  const opts = { linger: 1000 };
  const shell = new z.Router({ ...opts, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
  const control = new z.Router({ ...opts, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
  const stdin = new z.Router({ ...opts });
  // XPUB (a PUB that tells of subscriptions), so the kernel can hold iopub until a client listens.
  const iopub = new z.XPublisher({ ...opts, sendHighWaterMark: 0 });
  const hb = new z.Router({ linger: 0 });
  const all = { shell, control, stdin, iopub, hb };
  try {
    for (const [name, s] of Object.entries(all)) {
      try {
        await s.bind(endpoint(info, name as keyof typeof all));
      } catch (e) {
        throw new Error(
          `cannot bind the ${name} socket to ${endpoint(info, name as keyof typeof all)}: ${
            (e as Error).message
          }`,
        );
      }
    }
  } catch (e) {
    for (const s of Object.values(all)) s.close();
    throw e;
  }
  return {
    ...all,
    close() {
      for (const s of Object.values(all)) {
        try {
          s.close();
        } catch { /* already closed */ }
      }
    },
  };
}

/** A client's connected sockets (what a notebook runner or a test uses). */
export interface ClientSockets {
  shell: ZSocket;
  control: ZSocket;
  stdin: ZSocket;
  iopub: ZSocket;
  hb: ZSocket;
  close(): void;
}

/** Connects client sockets (DEALER for shell, control and stdin; SUB for iopub; REQ for hb). */
export function connectClientSockets(info: ConnectionInfo, identity: string): ClientSockets {
  const z = loadZmq();
  const shell = new z.Dealer({ routingId: identity, linger: 0 });
  const control = new z.Dealer({ routingId: identity, linger: 0 });
  const stdin = new z.Dealer({ routingId: identity, linger: 0 });
  const iopub = new z.Subscriber({ linger: 0 });
  const hb = new z.Request({ linger: 0 });
  iopub.subscribe();
  const all = { shell, control, stdin, iopub, hb };
  for (const [name, s] of Object.entries(all)) s.connect(endpoint(info, name as keyof typeof all));
  return {
    ...all,
    close() {
      for (const s of Object.values(all)) {
        try {
          s.close();
        } catch { /* already closed */ }
      }
    },
  };
}
