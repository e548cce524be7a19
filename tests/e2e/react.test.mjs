// clerk-wasm/react: apps/react (a Vite + React app in StrictMode, with the `npm pack` tarball installed, built by
// scripts/build-apps.sh into www/react/) served at /react/ by the real server and driven through journey 1 in each
// browser; and the same installed package imported and rendered on the server (Node, no DOM) to prove the import
// is SSR-safe.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { ROOT, startServer, launchBrowser, inEachBrowser } from "./harness.mjs";
import { journeyOne } from "./bundled-apps.mjs";

const app = join(ROOT, "apps/react");
const dist = join(ROOT, "www/react");
inEachBrowser((browserName) => {
  let site;
  let server;
  let browser;

  before(async () => {
    assert.ok(existsSync(join(dist, "index.html")), `${dist} is missing: scripts/build-apps.sh builds it`);
    // The server's static dir holds the build at /react/.
    site = mkdtempSync(join(tmpdir(), "clerk-wasm-e2e-react-"));
    symlinkSync(dist, join(site, "react"), "dir");
    server = await startServer({ staticDir: site, seedDemo: false });
    browser = await launchBrowser(browserName);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (site) rmSync(site, { recursive: true, force: true });
  });

  test("the React app (clerk-wasm/react, StrictMode) passes journey 1 with no CSP violation or console error", async () => {
    await journeyOne(browser.page, `${server.url}/react/`);
    // <SignedIn>/<SignedOut> follow the state: signing out of everything brings the SignIn back.
    await browser.page.getByRole("button", { name: "Sign out of all accounts" }).click();
    await browser.page.getByRole("region", { name: "Sign in to the demo" }).getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await browser.page.getByRole("region", { name: "Signed-in accounts" }).count(), 0);
    browser.assertNoProblems();
  });
});

test("clerk-wasm/react imports and renders on the server (no window, no wasm fetched)", async () => {
  // Resolved from the app, as its own server-side code would: one React instance for both.
  const require = createRequire(join(app, "package.json"));
  const React = require("react");
  const { renderToString } = require("react-dom/server");
  const clerkReact = await import(pathToFileURL(require.resolve("clerk-wasm/react")).href);
  assert.equal(typeof globalThis.window, "undefined");
  const h = React.createElement;
  const html = renderToString(
    h(clerkReact.ClerkProvider, { publishableKey: "pk_test_MTI3LjAuMC4xOjg3ODck" },
      h(clerkReact.SignedIn, null, h("p", null, "signed in")),
      h(clerkReact.SignedOut, null, h("p", null, "signed out")),
      h(clerkReact.UserButton, { showName: true }),
      h(function Probe() {
        const { session, user, client, setSession } = clerkReact.useClerk();
        const { isLoaded } = clerkReact.useSession();
        return h("p", null, `session=${session} user=${user} client=${client} loaded=${isLoaded} ${typeof setSession}`);
      })));
  // Nothing is known on the server: neither branch renders, the components are empty mount points.
  assert.doesNotMatch(html, /signed (in|out)/);
  assert.match(html, /data-clerk-component="UserButton"/);
  assert.match(html, /session=null user=null client=null loaded=false function/);
});
