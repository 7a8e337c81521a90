import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createSigner, ReplayGuard, SIGNATURE_SCHEMES } from "../../../kernel/protocol/signer.ts";

const enc = new TextEncoder();
const frames = [
  enc.encode('{"msg_id":"a"}'),
  enc.encode("{}"),
  enc.encode("{}"),
  enc.encode('{"code":"1 + 1"}'),
];

Deno.test("signer: signatures equal node:crypto's HMAC for every scheme and key length", () => {
  for (const scheme of SIGNATURE_SCHEMES) {
    const algo = scheme.replace("hmac-", "");
    // Short, block-sized, longer than a block (hashed first, per RFC 2104), and non-ASCII keys.
    for (const key of ["k", "x".repeat(64), "y".repeat(128), "z".repeat(200), "clé-ü-🔑"]) {
      const s = createSigner(scheme, key);
      const h = createHmac(algo, key);
      for (const f of frames) h.update(f);
      const expected = h.digest("hex");
      assert.equal(s.sign(frames), expected, `${scheme}, key of ${key.length}`);
      // Repeated use must not carry state over from one message to the next.
      assert.equal(s.sign(frames), expected);
      assert.ok(s.verify(expected, frames));
      assert.ok(!s.verify(expected, [...frames.slice(0, 3), enc.encode('{"code":"2"}')]));
    }
  }
});

Deno.test("signer: an empty key disables signing; unknown schemes are refused", () => {
  const off = createSigner("hmac-sha256", "");
  assert.equal(off.sign(frames), "");
  assert.ok(off.verify("", frames));
  assert.ok(!off.verify("abc", frames));
  assert.throws(() => createSigner("hmac-sha3", "k"), /not supported/);
});

Deno.test("signer: the replay guard refuses a signature seen before and forgets the oldest", () => {
  const g = new ReplayGuard(2);
  assert.ok(g.accept("a"));
  assert.ok(!g.accept("a"));
  assert.ok(g.accept("b"));
  assert.ok(g.accept("c"));
  assert.ok(g.accept("a"), "forgotten after capacity");
  assert.ok(g.accept(""));
  assert.ok(g.accept(""));
});
