// The npm package in a bundler: tests/vite-app (a fresh Vite 8 app with the `npm pack` tarball installed, built by
// scripts/test.sh into tests/vite-app/dist) served by the real server under its strict CSP, driven through journey 1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startServer, launchBrowser, inEachBrowser } from "./harness.mjs";
import { journeyOne } from "./bundled-apps.mjs";

const dist = join(ROOT, "tests/vite-app/dist");
inEachBrowser((browserName) => {
  let server;
  let browser;

  before(async () => {
    assert.ok(existsSync(join(dist, "index.html")), `${dist} is missing: scripts/test.sh builds it (npm run build in tests/vite-app)`);
    server = await startServer({ staticDir: dist, seedDemo: false });
    browser = await launchBrowser(browserName);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the Vite app (import { Clerk } from \"clerk-wasm\") passes journey 1 with no CSP violation or console error", async () => {
    await journeyOne(browser.page, server.url);
    browser.assertNoProblems();
  });
});
