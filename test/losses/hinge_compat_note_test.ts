import assert from "node:assert/strict";
import { hingeCompatNote } from "../../lib/losses/hinge_compat_note.ts";

Deno.test("hingeCompatNote: said for a 2-class LovaszHingeLoss (also inside MixedLoss), not with paddleseg_compat or other class counts", () => {
  const mixed = (compat?: boolean) => ({
    types: [{
      type: "MixedLoss",
      losses: [{ type: "CrossEntropyLoss" }, {
        type: "LovaszHingeLoss",
        ...(compat ? { paddleseg_compat: true } : {}),
      }],
      coef: [1, 0.01],
    }],
    coef: [1],
  });
  assert.match(hingeCompatNote(mixed(), 2)!, /margin l1 − l0 .* add paddleseg_compat: true/);
  assert.equal(hingeCompatNote(mixed(true), 2), null);
  assert.equal(hingeCompatNote(mixed(), 1), null);
  assert.equal(hingeCompatNote({ types: [{ type: "LovaszSoftmaxLoss" }], coef: [1] }, 2), null);
});
