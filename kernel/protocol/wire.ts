/**
 * The Jupyter wire format: `[identities…, "<IDS|MSG>", signature, header, parent_header,
 * metadata, content, buffers…]`. Decoding checks the signature, the replay guard and the
 * JSON of every part, and says exactly what is wrong when a message is refused.
 *
 * @example
 * ```ts
 * import { createSigner, decodeFrames, encodeFrames, makeMessage } from "seglab/kernel";
 * const signer = createSigner("hmac-sha256", "secret");
 * const msg = makeMessage("kernel_info_request", {}, { session: "s" });
 * const frames = encodeFrames(msg, signer);
 * const back = decodeFrames(frames, signer);
 * console.log(back.ok && back.message.header.msg_type); // kernel_info_request
 * ```
 * @module
 */
import type { Header, Message } from "./message.ts";
import type { ReplayGuard, Signer } from "./signer.ts";

/** The delimiter between routing identities and the message. */
export const DELIMITER = "<IDS|MSG>";

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });
const DELIM_BYTES = enc.encode(DELIMITER);

/** A decoded message with the routing identities it came with. */
export interface Decoded {
  ok: true;
  message: Message;
  /** Routing identities (ROUTER sockets), to address the reply. */
  identities: Uint8Array[];
  /** The signature it carried. */
  signature: string;
}

/** A refused message and why. */
export interface Refused {
  ok: false;
  reason: string;
  /** The message type when the header could be read, for the log. */
  msgType?: string;
}

function isDelimiter(f: Uint8Array): boolean {
  if (f.length !== DELIM_BYTES.length) return false;
  for (let i = 0; i < f.length; i++) if (f[i] !== DELIM_BYTES[i]) return false;
  return true;
}

/** Serializes `msg` into signed frames, prefixed by `identities`. */
export function encodeFrames(msg: Message, signer: Signer, identities: Uint8Array[] = []): Uint8Array[] {
  const parts = [
    enc.encode(JSON.stringify(msg.header)),
    enc.encode(JSON.stringify(msg.parent_header ?? {})),
    enc.encode(JSON.stringify(msg.metadata ?? {})),
    enc.encode(JSON.stringify(msg.content ?? {}, jsonReplacer)),
  ];
  return [...identities, DELIM_BYTES, enc.encode(signer.sign(parts)), ...parts, ...(msg.buffers ?? [])];
}

function jsonReplacer(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}

function parseObject(frame: Uint8Array, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = dec.decode(frame);
  } catch {
    throw new Error(`${what} is not valid UTF-8`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new Error(`${what} is not a JSON object`);
  }
  return v as Record<string, unknown>;
}

/**
 * Parses and verifies frames. A message is refused when the delimiter or a part is missing,
 * the signature does not match (or is missing while a key is set), the signature was seen before
 * (with a `replay` guard), or a part is not a JSON object; the header must have `msg_id` and
 * `msg_type` strings.
 */
export function decodeFrames(
  frames: readonly Uint8Array[],
  signer: Signer,
  replay?: ReplayGuard,
): Decoded | Refused {
  const d = frames.findIndex(isDelimiter);
  if (d < 0) return { ok: false, reason: `no "${DELIMITER}" delimiter among ${frames.length} frames` };
  if (frames.length < d + 6) {
    return {
      ok: false,
      reason: `${
        frames.length - d - 1
      } frames after the delimiter; a message needs 5 (signature, header, parent_header, metadata, content)`,
    };
  }
  const identities = frames.slice(0, d).map((f) => new Uint8Array(f));
  let signature: string;
  try {
    signature = dec.decode(frames[d + 1]);
  } catch {
    return { ok: false, reason: "signature is not valid UTF-8" };
  }
  const parts = frames.slice(d + 2, d + 6);
  let msgType: string | undefined;
  try {
    const h = JSON.parse(dec.decode(parts[0]));
    if (typeof h?.msg_type === "string") msgType = h.msg_type;
  } catch { /* reported below */ }
  if (signer.enabled && signature === "") {
    return { ok: false, reason: "unsigned message (the connection file sets a key)", msgType };
  }
  if (!signer.verify(signature, parts)) return { ok: false, reason: "bad signature", msgType };
  if (replay && !replay.accept(signature)) {
    return { ok: false, reason: "replayed message (signature seen before)", msgType };
  }
  try {
    const header = parseObject(parts[0], "header");
    const parent = parseObject(parts[1], "parent_header");
    const metadata = parseObject(parts[2], "metadata");
    const content = parseObject(parts[3], "content");
    if (typeof header.msg_id !== "string" || typeof header.msg_type !== "string") {
      return { ok: false, reason: "header lacks msg_id or msg_type", msgType };
    }
    return {
      ok: true,
      identities,
      signature,
      message: {
        header: header as unknown as Header,
        parent_header: parent as Header,
        metadata,
        content,
        buffers: frames.slice(d + 6).map((f) => new Uint8Array(f)),
      },
    };
  } catch (e) {
    return { ok: false, reason: (e as Error).message, msgType };
  }
}
