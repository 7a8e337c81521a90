/** Base64 encoding of bytes, for `image/png` and `image/jpeg` bundle entries. */
import { Buffer } from "node:buffer";

/** Encodes bytes as standard (padded) base64. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
