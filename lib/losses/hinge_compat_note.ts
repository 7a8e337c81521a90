/**
 * `hingeCompatNote(lossSection, numClasses)`: the one line a run prints when a PaddleSeg config
 * puts `LovaszHingeLoss` on 2-channel logits (PaddleSeg's road config does): seglab's hinge uses
 * the margin `l1 − l0` there, PaddleSeg's `log(p1 + eps/(1 − p1 + eps))` ≈ `log p1`;
 * `paddleseg_compat: true` gives PaddleSeg's value. Null when nothing differs.
 * @module
 */

function hinges(spec: unknown, out: Record<string, unknown>[]): void {
  if (Array.isArray(spec)) { for (const s of spec) hinges(s, out); }
  else if (spec && typeof spec === "object") {
    const s = spec as Record<string, unknown>;
    if (s.type === "LovaszHingeLoss") out.push(s);
    hinges(s.types, out);
    hinges(s.losses, out);
  }
}

/** The note, or null (see the module documentation). */
export function hingeCompatNote(lossSection: unknown, numClasses: number): string | null {
  if (numClasses !== 2) return null;
  const found: Record<string, unknown>[] = [];
  hinges(lossSection, found);
  const seglab = found.filter((h) => h.paddleseg_compat !== true);
  if (seglab.length === 0) return null;
  return `loss: LovaszHingeLoss on 2-channel logits uses the binary margin l1 − l0 (seglab's correction); ` +
    `PaddleSeg's uses log(p1 + eps/(1 − p1 + eps)) ≈ log p1, which never reaches the margin for positives — ` +
    `add paddleseg_compat: true to the loss to get PaddleSeg's value`;
}
