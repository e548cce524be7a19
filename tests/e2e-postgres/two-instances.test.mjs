// The script-tag journeys of tests/e2e/script-tag.test.mjs (sign up three accounts and switch; sign out one, then
// all) against two server instances on one PostgreSQL database behind a round-robin proxy written for this test:
// every request of the page, API or file, goes to the next instance in turn. The results must be those of one
// instance, with no CSP violation, console error or page error, in each browser of tests/e2e/.
//
// Needs CLERK_TEST_POSTGRES_URL (a fresh cluster's database: scripts/test.sh runs this file inside
// scripts/with-postgres.sh), pkg/ built and target/debug/clerk-wasm-server.
import { test, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { randomBytes } from "node:crypto";
import {
  startServer, launchBrowser, openApp, signUpThroughUi, uniqueUser, openUserMenu, userButton, accountsPanel,
  waitForActiveEmail, inEachBrowser,
} from "../e2e/harness.mjs";

const databaseUrl = process.env.CLERK_TEST_POSTGRES_URL;
if (!databaseUrl) throw new Error("CLERK_TEST_POSTGRES_URL is not set: run this file through scripts/with-postgres.sh");

/**
 * An HTTP proxy on 127.0.0.1:0 handing each request to the next of `targets` (set after it listens). `served`
 * counts the API requests (`/v1/…`) each target answered.
 */
async function startRoundRobinProxy() {
  const proxy = { targets: [], served: [], next: 0 };
  const server = http.createServer((request, response) => {
    const index = proxy.next++ % proxy.targets.length;
    const target = new URL(proxy.targets[index]);
    if (request.url.startsWith("/v1/")) proxy.served[index] = (proxy.served[index] ?? 0) + 1;
    const upstream = http.request({
      host: target.hostname, port: target.port, method: request.method, path: request.url,
      headers: { ...request.headers, host: target.host },
    }, (answer) => {
      response.writeHead(answer.statusCode, answer.headers);
      answer.pipe(response);
    });
    upstream.on("error", (error) => {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(`proxy: ${error.message}`);
    });
    request.pipe(upstream);
  });
  await new Promise((listening) => server.listen(0, "127.0.0.1", listening));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => new Promise((closed) => { server.closeAllConnections(); server.close(closed); });
  return proxy;
}

let proxy;
const instances = [];
before(async () => {
  proxy = await startRoundRobinProxy();
  const shared = { databaseUrl, secretKey: `sk_test_e2e${randomBytes(32).toString("hex")}`, args: ["--public-url", proxy.url] };
  // One after the other: the first migrates the database, creates the signing key and seeds the demo users.
  instances.push(await startServer({ ...shared, seedDemo: true }));
  instances.push(await startServer({ ...shared, seedDemo: false }));
  proxy.targets = instances.map((instance) => instance.url);
});
after(async () => {
  await proxy?.close();
  for (const instance of instances) await instance.stop();
});
inEachBrowser((browserName) => {
  let browser;
  beforeEach(async () => { browser = await launchBrowser(browserName); });
  afterEach(async () => {
    try {
      browser.assertNoProblems();
    } finally {
      await browser.close();
    }
  });

  async function threeAccounts(page) {
    const users = [uniqueUser("ada", "Ada"), uniqueUser("bea", "Bea"), uniqueUser("cy", "Cy")];
    for (const user of users) await signUpThroughUi(page, user);
    return users;
  }

  test("two instances: sign up three accounts, switch, and the API verifies the token", async () => {
    const { page } = browser;
    await openApp(page, proxy.url);
    const [a, b, c] = await threeAccounts(page);
    await userButton(page).filter({ hasText: `${c.firstName} ${c.lastName}` }).waitFor();
    const panel = await openUserMenu(page);
    await panel.getByRole("group", { name: "Switch account" }).getByRole("button", { name: `Switch to ${a.email}` }).click();
    await waitForActiveEmail(page, a.email);
    const accounts = accountsPanel(page);
    await accounts.getByRole("button", { name: `Switch to ${b.email}` }).click();
    await waitForActiveEmail(page, b.email);
    assert.equal(await accounts.getByRole("listitem").count(), 3);
    await page.getByRole("button", { name: "Call my API" }).click();
    await page.getByRole("status").filter({ hasText: `The server verified your token: you are ${b.email}` }).waitFor();
    assert.ok(proxy.served.length === 2 && proxy.served.every((n) => n > 0), `both instances answered: ${proxy.served}`);
  });

  test("two instances: sign out the active account, then all accounts", async () => {
    const { page } = browser;
    await openApp(page, proxy.url);
    const [a, b, c] = await threeAccounts(page);
    const panel = await openUserMenu(page);
    await panel.getByRole("button", { name: "Sign out", exact: true }).click();
    await waitForActiveEmail(page, b.email);
    const accounts = accountsPanel(page);
    await accounts.getByRole("listitem").filter({ hasText: a.email }).waitFor();
    assert.equal(await accounts.getByRole("listitem").filter({ hasText: c.email }).count(), 0);
    assert.equal(await accounts.getByRole("listitem").count(), 2);
    await browser.apiIdle();
    await accounts.getByRole("button", { name: "Sign out this account" }).click();
    await waitForActiveEmail(page, a.email);
    const d = uniqueUser("dee", "Dee");
    await signUpThroughUi(page, d); // the UserButton offers "Sign out of all accounts" with two or more
    const panel2 = await openUserMenu(page);
    await panel2.getByRole("button", { name: "Sign out of all accounts" }).click();
    await page.getByRole("region", { name: "Sign in to the demo" }).getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await page.evaluate(() => window.Clerk.session), null);
    assert.equal(await page.evaluate(() => window.Clerk.client.sessions.length), 0);
    // Every instance agrees: the client has no session left.
    const users = await instances[1].backend("GET", "/v1/users");
    for (const user of users.filter((u) => [a, b, c, d].some((x) => x.email === u.email_addresses[0].email_address))) {
      const sessions = await instances[0].backend("GET", `/v1/sessions?user_id=${user.id}`);
      assert.ok(sessions.every((s) => s.status !== "active"), `${user.id}: ${JSON.stringify(sessions.map((s) => s.status))}`);
    }
  });
});
