/**
 * Tests that look at pages in headless Chromium (Debian's `chromium`, driven by `puppeteer-core`
 * from npm). Without /usr/bin/chromium such tests report themselves skipped with the reason; with
 * `SEGLAB_REQUIRE_CHROMIUM=1` (CI installs chromium and sets it) they fail instead.
 *
 * @example
 * ```ts
 * import { chromiumTest, withPage } from "../support/chromium.ts";
 * chromiumTest("the page renders", () => withPage(async (page) => { await page.goto(url); }));
 * ```
 * @module
 */
import puppeteer, { type Page } from "puppeteer-core";

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags every test browser runs with (no network chatter, no first-run UI, no sandbox in CI containers). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function chromiumMissing(): string | null {
  try {
    Deno.statSync(CHROMIUM);
    return null;
  } catch {
    return `${CHROMIUM} is absent; install Debian's chromium (apt-get install chromium)`;
  }
}

/** True when CI demands Chromium (`SEGLAB_REQUIRE_CHROMIUM=1`). */
export function chromiumRequired(): boolean {
  return Deno.env.get("SEGLAB_REQUIRE_CHROMIUM") === "1";
}

/** `Deno.test` for browser tests: skipped with the reason when Chromium is absent, failing under SEGLAB_REQUIRE_CHROMIUM=1. */
export function chromiumTest(name: string, fn: () => Promise<void>): void {
  const missing = chromiumMissing();
  if (missing && !chromiumRequired()) {
    Deno.test({ name: `${name} (skipped: ${missing})`, ignore: true, fn: () => {} });
    return;
  }
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: missing
      ? () => {
        throw new Error(`SEGLAB_REQUIRE_CHROMIUM=1 but ${missing}`);
      }
      : fn,
  });
}

/** Runs `fn` with a fresh page of `width`×`height` CSS pixels (device scale 1), closing the browser after. */
export async function withPage<T>(fn: (page: Page) => Promise<T>, width = 1000, height = 800): Promise<T> {
  const userDataDir = await Deno.makeTempDir({ prefix: "seglab-chromium-" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: false, // "--headless" is in CHROMIUM_FLAGS, as Debian's chromium takes it
    args: CHROMIUM_FLAGS,
    userDataDir,
    timeout: 60_000,
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    return await fn(page);
  } finally {
    await browser.close();
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
}
