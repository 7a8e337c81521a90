/**
 * ZeroMQ for the kernel and its clients, through the `zeromq` npm package (its prebuilt native
 * addon loads in Deno). The package is loaded with `createRequire` relative to this file, so the
 * kernel finds it in its own `node_modules` whatever the notebook's working directory and its
 * import map are.
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
    const p = this.#tail.then(() => this.socket.send(frames)).catch(this.onError).finally(() => this.#pending--);
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

/** The kernel's bound sockets. */
export interface KernelSockets {
  shell: ZSocket;
  control: ZSocket;
  stdin: ZSocket;
  /** An XPUB socket, so the kernel sees subscriptions. */
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
  const iopub = new z.XPublisher({ ...opts, sendHighWaterMark: 0 });
  const hb = new z.Reply({ linger: 0 });
  const all = { shell, control, stdin, iopub, hb };
  try {
    for (const [name, s] of Object.entries(all)) {
      try {
        await s.bind(endpoint(info, name as keyof typeof all));
      } catch (e) {
        throw new Error(`cannot bind the ${name} socket to ${endpoint(info, name as keyof typeof all)}: ${(e as Error).message}`);
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
