import assert from "node:assert/strict";
import { createSigner, ReplayGuard } from "../../../kernel/protocol/signer.ts";
import { decodeFrames, encodeFrames } from "../../../kernel/protocol/wire.ts";
import { makeMessage } from "../../../kernel/protocol/message.ts";

const enc = new TextEncoder();

Deno.test("wire: signed messages round-trip; tampered, unsigned, replayed and malformed ones are refused", () => {
  const signer = createSigner("hmac-sha256", "secret");
  const msg = makeMessage("execute_request", { code: "1+1" }, { session: "s" });
  const frames = encodeFrames(msg, signer, [enc.encode("client-id")]);
  const guard = new ReplayGuard();
  const ok = decodeFrames(frames, signer, guard);
  assert.ok(ok.ok);
  assert.equal(ok.ok && ok.message.content.code, "1+1");
  assert.deepEqual(ok.ok && new TextDecoder().decode(ok.identities[0]), "client-id");

  const replayed = decodeFrames(frames, signer, guard);
  assert.ok(!replayed.ok && /replayed/.test(replayed.reason));

  const tampered = [...frames];
  tampered[6] = enc.encode(JSON.stringify({ code: "Deno.exit()" }));
  const t = decodeFrames(tampered, signer);
  assert.ok(!t.ok && t.reason === "bad signature" && t.msgType === "execute_request");

  const unsigned = [...frames];
  unsigned[2] = new Uint8Array(0);
  const u = decodeFrames(unsigned, signer);
  assert.ok(!u.ok && /unsigned/.test(u.reason));

  const short = decodeFrames(frames.slice(0, 4), signer);
  assert.ok(!short.ok && /frames after the delimiter/.test(short.reason));
  assert.ok(!decodeFrames([enc.encode("x")], signer).ok);

  const other = createSigner("hmac-sha256", "other key");
  assert.ok(!decodeFrames(encodeFrames(msg, other), signer).ok);
  assert.throws(() => createSigner("hmac-foo", "k"), /signature_scheme "hmac-foo" is not supported/);
});
