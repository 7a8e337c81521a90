/**
 * Every loss fixture (test/fixtures/losses) on the `webgpu` backend, at the fixtures' float32
 * tolerances, in strict mode (no synchronous read anywhere on the path): the device paths of the
 * Lovász losses, the top-k cross entropy and OHEM, and the losses' input checks on the device.
 */
import { fixtureNames, loadFixture } from "./_fixtures.ts";
import { checkCompactFixture, checkSmallFixture } from "./_check.ts";
import { webgpuTest } from "../support/webgpu.ts";

for (const f of fixtureNames().map(loadFixture)) {
  webgpuTest(`${f.type} fixture ${f.name}`, () => {
    const params = { ...f.params } as Record<string, unknown>;
    if (f.per_image) params.per_image = true;
    const g = { ...f, params };
    return f.compact ? checkCompactFixture(g) : checkSmallFixture(g);
  });
}
