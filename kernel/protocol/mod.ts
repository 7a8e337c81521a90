/**
 * The Jupyter messaging protocol (5.3) as the kernel and its clients speak it: messages, HMAC
 * signing, the wire format, connection files and ZeroMQ sockets.
 * @module
 */
export * from "./message.ts";
export * from "./signer.ts";
export * from "./wire.ts";
export * from "./connection.ts";
export { bindKernelSockets, connectClientSockets, loadZmq, receiveLoop, SendQueue } from "./zmq.ts";
export type { ClientSockets, KernelSockets, ReceiveMode, ZSocket } from "./zmq.ts";
