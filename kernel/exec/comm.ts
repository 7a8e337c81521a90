/**
 * Comms: two-way channels between cell code and the frontend (widgets, live progress). Cell code
 * registers targets the frontend may open, or opens comms itself; messages flow both ways.
 *
 * @example
 * ```ts
 * import { openComm, registerCommTarget } from "seglab/kernel";
 * registerCommTarget("echo", (comm) => comm.onMessage((data) => comm.send({ echo: data })));
 * const c = openComm("jupyter.widget", { state: {} });
 * c.close();
 * ```
 * @module
 */

/** A comm message's payload. */
export type CommData = Record<string, unknown>;

/** One comm. */
export interface Comm {
  readonly id: string;
  readonly targetName: string;
  /** True once either side closed it. */
  readonly closed: boolean;
  send(data?: CommData, opts?: { metadata?: Record<string, unknown>; buffers?: Uint8Array[] }): void;
  close(data?: CommData): void;
  onMessage(
    handler: (
      data: CommData,
      msg: { metadata: Record<string, unknown>; buffers: Uint8Array[] },
    ) => void | Promise<void>,
  ): void;
  onClose(handler: (data: CommData) => void | Promise<void>): void;
}

/** Called when the frontend opens a comm on a registered target. */
export type CommTargetHandler = (comm: Comm, data: CommData) => void | Promise<void>;

type Send = (
  msgType: "comm_open" | "comm_msg" | "comm_close",
  content: Record<string, unknown>,
  metadata?: Record<string, unknown>,
  buffers?: Uint8Array[],
) => void;

class CommImpl implements Comm {
  closed = false;
  readonly msgHandlers: Array<Parameters<Comm["onMessage"]>[0]> = [];
  readonly closeHandlers: Array<Parameters<Comm["onClose"]>[0]> = [];
  constructor(readonly id: string, readonly targetName: string, readonly manager: CommManager) {}

  send(data: CommData = {}, opts: { metadata?: Record<string, unknown>; buffers?: Uint8Array[] } = {}): void {
    if (this.closed) throw new Error(`comm ${this.id} (${this.targetName}) is closed`);
    this.manager.send("comm_msg", { comm_id: this.id, data }, opts.metadata, opts.buffers);
  }

  close(data: CommData = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.send("comm_close", { comm_id: this.id, data });
    this.manager.comms.delete(this.id);
  }

  onMessage(handler: Parameters<Comm["onMessage"]>[0]): void {
    this.msgHandlers.push(handler);
  }

  onClose(handler: Parameters<Comm["onClose"]>[0]): void {
    this.closeHandlers.push(handler);
  }
}

/** The kernel side of comms. */
export class CommManager {
  readonly comms = new Map<string, CommImpl>();
  readonly targets = new Map<string, CommTargetHandler>();
  constructor(readonly send: Send, readonly log: (s: string) => void) {}

  registerTarget(name: string, handler: CommTargetHandler): void {
    this.targets.set(name, handler);
  }

  unregisterTarget(name: string): void {
    this.targets.delete(name);
  }

  /** Opens a comm from the kernel side. */
  open(
    targetName: string,
    data: CommData = {},
    opts: { metadata?: Record<string, unknown>; buffers?: Uint8Array[]; targetModule?: string } = {},
  ): Comm {
    const comm = new CommImpl(crypto.randomUUID().replaceAll("-", ""), targetName, this);
    this.comms.set(comm.id, comm);
    const content: Record<string, unknown> = { comm_id: comm.id, target_name: targetName, data };
    if (opts.targetModule) content.target_module = opts.targetModule;
    this.send("comm_open", content, opts.metadata, opts.buffers);
    return comm;
  }

  /** Handles `comm_open`, `comm_msg` and `comm_close` requests from the frontend. */
  async handle(
    msgType: string,
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
  ): Promise<void> {
    const id = String(content.comm_id ?? "");
    const data = (content.data ?? {}) as CommData;
    if (msgType === "comm_open") {
      const target = String(content.target_name ?? "");
      const handler = this.targets.get(target);
      if (!handler) {
        this.log(`comm_open for unknown target "${target}"; closing comm ${id}`);
        this.send("comm_close", {
          comm_id: id,
          data: { error: `no comm target "${target}" in this kernel` },
        });
        return;
      }
      const comm = new CommImpl(id, target, this);
      this.comms.set(id, comm);
      await handler(comm, data);
      return;
    }
    const comm = this.comms.get(id);
    if (!comm) {
      this.log(`${msgType} for unknown comm ${id}; ignored`);
      return;
    }
    if (msgType === "comm_msg") {
      for (const h of comm.msgHandlers) await h(data, { metadata, buffers });
    } else if (msgType === "comm_close") {
      comm.closed = true;
      this.comms.delete(id);
      for (const h of comm.closeHandlers) await h(data);
    }
  }
}
