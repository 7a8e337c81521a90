/**
 * HMAC signing of Jupyter messages: the signature is the hex HMAC of the header, parent header,
 * metadata and content frames, keyed by the connection file's `key` with its `signature_scheme`.
 * An empty key disables signing (the protocol's rule); then every signature must be empty.
 * @module
 */
import { createHash, createHmac, type Hash, timingSafeEqual } from "node:crypto";

/** Signs and verifies message frames. */
export interface Signer {
  /** The scheme, e.g. "hmac-sha256". */
  readonly scheme: string;
  /** True when a key is set (messages are signed). */
  readonly enabled: boolean;
  /** The hex signature of the frames (empty when signing is off). */
  sign(frames: readonly Uint8Array[]): string;
  /** True when `signature` matches the frames. */
  verify(signature: string, frames: readonly Uint8Array[]): boolean;
}

const SCHEMES: Record<string, string> = {
  "hmac-sha256": "sha256",
  "hmac-sha512": "sha512",
  "hmac-sha384": "sha384",
  "hmac-sha1": "sha1",
  "hmac-md5": "md5",
};
/** Block sizes in bytes (RFC 2104's B) of the hashes above. */
const BLOCK: Record<string, number> = { sha256: 64, sha512: 128, sha384: 128, sha1: 64, md5: 64 };

/**
 * HMAC (RFC 2104) with the keyed inner and outer hash states computed once and copied for each
 * message: ~2.5× faster than a `createHmac` per message under Deno, and every message the kernel
 * sends or receives is signed. Undefined where `Hash.copy` is missing (then `createHmac` is used).
 */
function precomputedHmac(algo: string, key: string): ((frames: readonly Uint8Array[]) => string) | undefined {
  try {
    const block = BLOCK[algo];
    let k: Uint8Array = new TextEncoder().encode(key);
    if (k.length > block) k = new Uint8Array(createHash(algo).update(k).digest());
    const ipad = new Uint8Array(block).fill(0x36), opad = new Uint8Array(block).fill(0x5c);
    for (let i = 0; i < k.length; i++) {
      ipad[i] ^= k[i];
      opad[i] ^= k[i];
    }
    const inner: Hash = createHash(algo).update(ipad), outer: Hash = createHash(algo).update(opad);
    if (typeof inner.copy !== "function") return undefined;
    return (frames) => {
      const h = inner.copy();
      for (const f of frames) h.update(f);
      return outer.copy().update(h.digest()).digest("hex");
    };
  } catch {
    return undefined;
  }
}

/** The signature schemes this signer accepts. */
export const SIGNATURE_SCHEMES: readonly string[] = Object.keys(SCHEMES);

/**
 * A signer for `scheme` and `key`.
 * @throws when the scheme is not one of {@linkcode SIGNATURE_SCHEMES}.
 */
export function createSigner(scheme: string, key: string): Signer {
  const algo = SCHEMES[scheme];
  if (!algo) {
    throw new Error(
      `signature_scheme "${scheme}" is not supported; use one of ${SIGNATURE_SCHEMES.join(", ")}`,
    );
  }
  const enabled = key.length > 0;
  const fast = enabled ? precomputedHmac(algo, key) : undefined;
  const sign = (frames: readonly Uint8Array[]): string => {
    if (!enabled) return "";
    if (fast) return fast(frames);
    const h = createHmac(algo, key);
    for (const f of frames) h.update(f);
    return h.digest("hex");
  };
  return {
    scheme,
    enabled,
    sign,
    verify(signature: string, frames: readonly Uint8Array[]): boolean {
      if (!enabled) return signature === "";
      const expected = sign(frames);
      if (signature.length !== expected.length) return false;
      return timingSafeEqual(new TextEncoder().encode(signature), new TextEncoder().encode(expected));
    },
  };
}

/**
 * Remembers recent signatures so that a replayed message is refused (as ipykernel does).
 * Keeps at most `capacity` signatures, forgetting the oldest first.
 */
export class ReplayGuard {
  #seen = new Set<string>();
  #order: string[] = [];
  #head = 0;
  constructor(readonly capacity = 65536) {}

  /** Records `signature`; false when it was seen before. Empty signatures always pass. */
  accept(signature: string): boolean {
    if (signature === "") return true;
    if (this.#seen.has(signature)) return false;
    this.#seen.add(signature);
    if (this.#order.length < this.capacity) {
      this.#order.push(signature);
    } else {
      this.#seen.delete(this.#order[this.#head]);
      this.#order[this.#head] = signature;
      this.#head = (this.#head + 1) % this.capacity;
    }
    return true;
  }
}
