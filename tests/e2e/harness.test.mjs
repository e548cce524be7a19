// The harness's own watch, in each browser: a journey passes only when the browser reported no problem, so this
// proves that each kind of problem is reported at all — Chromium and Firefox report them through different channels
// (Firefox logs no console message for an HTTP error answer, and reports a blocked inline script as a page error).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, inEachBrowser, sleep } from "./harness.mjs";

inEachBrowser((browserName) => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test("a console error, a CSP violation, an HTTP error answer and an uncaught error are each reported", async () => {
    const browser = await launchBrowser(browserName);
    try {
      const { page } = browser;
      await page.goto(server.url);
      assert.deepEqual(browser.problems, [], "the demo page itself is clean");
      await page.evaluate(() => console.error("probe: console error"));
      await page.evaluate(() => {
        const script = document.createElement("script"); // inline: the page's CSP refuses it
        script.textContent = "window.__ran = true";
        document.body.append(script);
      });
      await page.evaluate(() => fetch("/v1/probe-not-found").catch(() => {}));
      await page.evaluate(() => setTimeout(() => { throw new Error("probe: uncaught"); }, 0));
      await sleep(500); // the reports arrive asynchronously
      const reported = browser.problems.join("\n");
      assert.match(reported, /console error on .*probe: console error/);
      assert.match(reported, /CSP violation on .*script-src-elem blocked inline/);
      assert.match(reported, /(console|HTTP) error on .*status of 404/);
      assert.match(reported, /page error on .*probe: uncaught/);
      assert.equal(await page.evaluate(() => window.__ran), undefined, "the inline script did not run");
      assert.throws(() => browser.assertNoProblems(), /problems in the browser/);
    } finally {
      await browser.close();
    }
  });
});
