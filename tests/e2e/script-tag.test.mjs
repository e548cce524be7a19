// End-to-end journeys on the script-tag demo page (www/index.html + /pkg/clerk.browser.js), against the real server,
// in Debian's Chromium and Firefox ESR (each journey in both), driven by roles and accessible names. Every test also
// fails on any CSP violation, console error or page error (journey 8). Journeys: 1 sign up three accounts and switch, 2 sign out one / all,
// 7 an HTML-looking name stays text, 9 the guide's ClerkJS snippets verbatim; and the script tag itself
// (async, defer, included twice, publishable key, `const c = window.Clerk` before load).
import { test, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ROOT, startServer, launchBrowser, openApp, signUpThroughUi, uniqueUser, openUserMenu, userButton, accountsPanel,
  activeEmail, waitForActiveEmail, sleep, inEachBrowser,
} from "./harness.mjs";

inEachBrowser((browserName) => {
  let server;
  let browser;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });
  beforeEach(async () => { browser = await launchBrowser(browserName); });
  afterEach(async () => {
    try {
      browser.assertNoProblems(); // journey 8: zero CSP violations and console errors
    } finally {
      await browser.close();
    }
  });

  /** Signs up three fresh accounts through the UI; resolves with them in sign-up order. */
  async function threeAccounts(page) {
    const users = [uniqueUser("ada", "Ada"), uniqueUser("bea", "Bea"), uniqueUser("cy", "Cy")];
    for (const user of users) await signUpThroughUi(page, user);
    return users;
  }

  test("journey 1: sign up three accounts, the UserButton shows the last, switching is instant", async () => {
    const { page } = browser;
    await openApp(page, server.url);
    const [a, b, c] = await threeAccounts(page);
    await assert.doesNotReject(userButton(page).filter({ hasText: `${c.firstName} ${c.lastName}` }).waitFor());
    assert.equal(await activeEmail(page), c.email);

    const panel = await openUserMenu(page);
    const group = panel.getByRole("group", { name: "Switch account" });
    for (const other of [a, b]) {
      assert.ok(await group.getByRole("button", { name: `Switch to ${other.email}` }).isVisible(), other.email);
    }
    assert.equal(await group.getByRole("button", { name: `Switch to ${c.email}` }).count(), 0, "not the active one");

    // Hold every touch (the background request a switch makes) for 5 s: the switch must not wait for it.
    await page.route("**/v1/client/sessions/*/touch**", async (route) => {
      await sleep(5_000);
      await route.continue().catch(() => {});
    });
    const started = Date.now();
    await group.getByRole("button", { name: `Switch to ${a.email}` }).click();
    assert.equal(await activeEmail(page), a.email, "Clerk.session switched at once");
    await userButton(page).filter({ hasText: `${a.firstName} ${a.lastName}` }).waitFor({ timeout: 1_000 });
    const accounts = accountsPanel(page);
    await accounts.getByRole("listitem").filter({ hasText: a.email }).filter({ hasText: "Active in this tab" })
      .waitFor({ timeout: 1_000 });

    // The same through the page's own panel (the guide's custom flow: setSession).
    await accounts.getByRole("button", { name: `Switch to ${b.email}` }).click();
    assert.equal(await activeEmail(page), b.email);
    await userButton(page).filter({ hasText: `${b.firstName} ${b.lastName}` }).waitFor({ timeout: 1_000 });
    assert.ok(Date.now() - started < 4_000, "both switches happened while the touches were still held");
    assert.equal(await accounts.getByRole("listitem").count(), 3);
    await page.unroute("**/v1/client/sessions/*/touch**");

    // And the API sees the account this tab shows.
    await page.getByRole("button", { name: "Call my API" }).click();
    await page.getByRole("status").filter({ hasText: `The server verified your token: you are ${b.email}` }).waitFor();
  });

  test("journey 2: sign out the active account, then all accounts", async () => {
    const { page } = browser;
    await openApp(page, server.url);
    const [a, b, c] = await threeAccounts(page);

    const panel = await openUserMenu(page);
    await panel.getByRole("button", { name: "Sign out", exact: true }).click();
    await waitForActiveEmail(page, b.email); // the most recently active of the others
    await userButton(page).filter({ hasText: `${b.firstName} ${b.lastName}` }).waitFor();
    const accounts = accountsPanel(page);
    await assert.doesNotReject(accounts.getByRole("listitem").filter({ hasText: a.email }).waitFor());
    assert.equal(await accounts.getByRole("listitem").filter({ hasText: c.email }).count(), 0);
    assert.equal(await accounts.getByRole("listitem").count(), 2);

    // "Sign out this account" on the page (signOutOne), then "Sign out of all accounts" from the UserButton.
    await browser.apiIdle(); // b's touch (it took over) is answered before b is signed out
    await accounts.getByRole("button", { name: "Sign out this account" }).click();
    await waitForActiveEmail(page, a.email);
    await signUpThroughUi(page, uniqueUser("dee", "Dee"));
    const panel2 = await openUserMenu(page);
    await panel2.getByRole("button", { name: "Sign out of all accounts" }).click();
    const signIn = page.getByRole("region", { name: "Sign in to the demo" });
    await signIn.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await userButton(page).count(), 0, "no UserButton when signed out");
    assert.equal(await accountsPanel(page).count(), 0, "the panel is hidden");
    assert.equal(await page.evaluate(() => window.Clerk.session), null);
    assert.equal(await page.evaluate(() => window.Clerk.client.sessions.length), 0);
  });

  test("journey 2b: the page's \"Sign out of all accounts\" signs everyone out", async () => {
    const { page } = browser;
    await openApp(page, server.url);
    await signUpThroughUi(page, uniqueUser("eve", "Eve"));
    await signUpThroughUi(page, uniqueUser("fay", "Fay"));
    await accountsPanel(page).getByRole("button", { name: "Sign out of all accounts" }).click();
    await page.getByRole("region", { name: "Sign in to the demo" }).getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await page.evaluate(() => window.Clerk.isSignedIn), false);
  });

  test("journey 7: a name that looks like HTML renders as text", async () => {
    const { page } = browser;
    await openApp(page, server.url);
    const name = "<img src=x onerror=window.__xss=1>";
    const user = { ...uniqueUser("xss"), firstName: name, lastName: "<b>bold</b>" };
    await signUpThroughUi(page, user);
    await userButton(page).filter({ hasText: `${name} <b>bold</b>` }).waitFor();
    await accountsPanel(page).getByRole("listitem").filter({ hasText: name }).waitFor();
    await openUserMenu(page);
    await page.getByRole("dialog", { name: "Account panel" }).filter({ hasText: name }).waitFor();
    await sleep(300); // time for a (wrongly) inserted image to fail
    assert.equal(await page.evaluate(() => typeof window.__xss), "undefined");
    assert.equal(await page.locator("img[src='x'], b").count(), 0, "no element was created from the name");
  });

  test("journey 9: the guide's ClerkJS snippets run verbatim in the page", async () => {
    const { page } = browser;
    await openApp(page, server.url);
    const a = uniqueUser("gia", "Gia");
    const b = uniqueUser("hal", "Hal");
    await signUpThroughUi(page, a);
    await signUpThroughUi(page, b);

    // "Using Clerk Components" (the <script> body of the ClerkJS tab).
    await page.evaluate(`(() => {
          const el = document.getElementById("user-button");
          // Mount the pre-built Clerk UserButton component
          // in an HTMLElement on your page. 
          window.Clerk.mountUserButton(el);
    })()`);
    await userButton(page).waitFor();

    // "Active session/user".
    const active = await page.evaluate(`(() => {
  // Getting the active session
  const activeSession = window.Clerk.session;

  // Getting the active user
  const activeUser = window.Clerk.user;
  return { session: activeSession.id, email: activeUser.primaryEmailAddress.emailAddress };
  })()`);
    assert.equal(active.email, b.email);

    // "Switching sessions": this tab first chooses no account, then the snippet picks the most recently active one.
    await page.evaluate(() => window.Clerk.setSession(null));
    assert.equal(await page.evaluate(() => window.Clerk.session), null);
    const switched = await page.evaluate(`(() => {
  // You can retrieve all the available sessions through the client
  const availableSessions = window.Clerk.client.sessions;

  // Use setSession to set the active session.
  window.Clerk.setSession(availableSessions[0].id);
  return { ids: availableSessions.map((s) => s.id), now: window.Clerk.session.id };
  })()`);
    assert.equal(switched.ids.length, 2);
    assert.equal(switched.now, switched.ids[0]);
    assert.equal(switched.now, active.session, "the most recently active account");
    const activeRow = (email) =>
      accountsPanel(page).getByRole("listitem").filter({ hasText: email }).filter({ hasText: "Active in this tab" });
    await activeRow(b.email).waitFor();
    await browser.apiIdle(); // the switch's background touch has been answered before that session is signed out

    // "Sign out active session": the other account stays.
    await page.evaluate(`(async () => {
  // Use signOutOne to sign-out only from the active session.
  await window.Clerk.signOutOne();
  })()`);
    assert.equal(await activeEmail(page), a.email);
    assert.equal(await page.evaluate(() => window.Clerk.client.sessions.length), 1);
    await activeRow(a.email).waitFor();

    // "Sign out of all sessions".
    await page.evaluate(`(async () => {
  // Use signOut to sign-out all active sessions.
  await window.Clerk.signOut();
  })()`);
    assert.equal(await page.evaluate(() => window.Clerk.session), null);
    assert.equal(await page.evaluate(() => window.Clerk.user), null);
    await page.getByRole("region", { name: "Sign in to the demo" }).getByRole("heading", { name: "Sign in" }).waitFor();
  });

  test("script tag: async, defer, included twice, publishable key, window.Clerk held before load()", async () => {
    const www = mkdtempSync(join(tmpdir(), "clerk-wasm-e2e-www-"));
    const page = browser.page;
    const own = await startServer({ staticDir: www, seedDemo: true });
    const host = new URL(own.url).host;
    const key = `pk_test_${Buffer.from(`${host}$`).toString("base64")}`;
    const variants = {
      "async.html": `<script src="/pkg/clerk.browser.js" data-clerk-frontend-api="${own.url}" async></script>`,
      "defer-twice.html": `<script src="/pkg/clerk.browser.js" data-clerk-publishable-key="${key}" defer></script>
        <script src="/pkg/clerk.browser.js" data-clerk-publishable-key="${key}" defer></script>`,
      "plain.html": `<script src="/pkg/clerk.browser.js" data-clerk-publishable-key="${key}"></script>`,
      "bad-key.html": `<script src="/pkg/clerk.browser.js" data-clerk-publishable-key="pk_nope"></script>`,
    };
    try {
      for (const [file, tags] of Object.entries(variants)) {
        writeFileSync(join(www, file), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${file}</title>
          <link rel="icon" href="data:,">${tags}</head><body><div id="user-button"></div></body></html>`);
      }
      copyFileSync(join(ROOT, "www/site.css"), join(www, "site.css"));
      for (const file of ["async.html", "defer-twice.html", "plain.html"]) {
        await page.goto(`${own.url}/${file}`);
        await page.waitForFunction(() => window.Clerk !== undefined);
        const out = await page.evaluate(async () => {
          const c = window.Clerk; // held before load(): keeps working after it
          const before = { loaded: c.loaded, status: c.status };
          await c.load();
          const signIn = await c.client.signIn.create({ identifier: "ada@example.com", password: "demo-password-1" });
          await c.setActive({ session: signIn.createdSessionId });
          c.mountUserButton(document.getElementById("user-button"), { showName: true });
          return { before, loaded: c.loaded, email: c.user.primaryEmailAddress.emailAddress,
            same: window.Clerk.session.id === c.session.id };
        });
        await browser.apiIdle(); // the switch's background touch has been answered
        await page.evaluate(() => window.Clerk.signOut());
        assert.deepEqual(out.before, { loaded: false, status: "loading" }, file);
        assert.equal(out.loaded, true, file);
        assert.equal(out.email, "ada@example.com", file);
        assert.equal(out.same, true, file);
      }
      // A bad key: load() rejects with the SDK's error, nothing else breaks.
      await page.goto(`${own.url}/bad-key.html`);
      const error = await page.evaluate(() => window.Clerk.load().then(() => null, (e) => e.errors[0].code));
      assert.equal(error, "invalid_publishable_key");
      assert.equal(await page.evaluate(() => window.Clerk.status), "error");
    } finally {
      await own.stop();
      rmSync(www, { recursive: true, force: true });
    }
  });
});
