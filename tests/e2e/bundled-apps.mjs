// Journey 1 for the bundled apps (tests/vite-app, apps/react), shared by vite-app.test.mjs and react.test.mjs: sign up
// three accounts through the UI, the UserButton shows the last one, then "Switch to <email>" for each other, with the
// API held back so the switch is proven not to wait for the network. Both apps render the same accessible structure
// as the script-tag demo: a region "Sign in to the demo" and a region "Signed-in accounts".
import assert from "node:assert/strict";
import { openApp, openUserMenu, signUpThroughUi, uniqueUser, userButton, accountsPanel, sleep } from "./harness.mjs";

/** How long every Frontend API answer is held back while switching: far longer than a switch may take. */
const HOLD_MS = 1500;

/** Clerk.session's email in the page. */
const sessionEmail = (page) =>
  page.evaluate(() => window.Clerk.session?.user?.primaryEmailAddress?.emailAddress ?? null);

export async function journeyOne(page, url) {
  await openApp(page, url);
  const users = [uniqueUser("first", "Ada"), uniqueUser("second", "Grace"), uniqueUser("third", "Alan")];
  for (const user of users) await signUpThroughUi(page, user);
  const last = users[2];
  assert.equal(await sessionEmail(page), last.email);
  assert.match(await userButton(page).textContent(), /Alan Tester/);
  assert.equal(await page.evaluate(() => window.Clerk.client.sessions.length), 3);

  // API requests not answered yet (each switch sends a touch in the background, which the route below holds).
  let pending = 0;
  const isApi = (request) => request.url().includes("/v1/");
  const onRequest = (request) => { if (isApi(request)) pending += 1; };
  const onDone = (request) => { if (isApi(request)) pending -= 1; };
  page.on("request", onRequest);
  page.on("requestfinished", onDone);
  page.on("requestfailed", onDone);
  // From now on every API answer takes HOLD_MS: a switch that waited for one would be caught.
  await page.route("**/v1/**", async (route) => {
    await sleep(HOLD_MS);
    await route.continue().catch(() => {});
  });
  for (const target of [users[0], users[1], users[2]]) {
    const panel = await openUserMenu(page);
    const others = users.filter((u) => u !== target);
    const started = Date.now();
    // The panel offers every other account; the active one is not offered.
    await panel.getByRole("button", { name: `Switch to ${target.email}` }).click();
    assert.equal(await sessionEmail(page), target.email, "Clerk.session switched synchronously");
    await page.waitForFunction(
      (name) => document.querySelector("[data-cw-part=trigger]")?.textContent.includes(name),
      `${target.firstName} Tester`, { timeout: HOLD_MS / 2 });
    assert.ok(Date.now() - started < HOLD_MS, "the switch did not wait for the held API");
    // The panel now shows the new account and offers the two others.
    const reopened = await openUserMenu(page);
    for (const other of others) {
      await reopened.getByRole("button", { name: `Switch to ${other.email}` }).waitFor({ timeout: HOLD_MS / 2 });
    }
    assert.equal(await reopened.getByRole("button", { name: `Switch to ${target.email}` }).count(), 0);
    await page.keyboard.press("Escape");
    // The app's own list (the guide's custom flow) marks it active and offers a switch to the others.
    const list = accountsPanel(page);
    for (const other of others) await list.getByRole("button", { name: `Switch to ${other.email}` }).waitFor({ timeout: HOLD_MS / 2 });
    assert.equal(await list.getByRole("button", { name: `Switch to ${target.email}` }).count(), 0);
  }
  // And the app's own Switch button works too (the guide's setSession(id)).
  await accountsPanel(page).getByRole("button", { name: `Switch to ${users[0].email}` }).click();
  assert.equal(await sessionEmail(page), users[0].email);
  await page.unroute("**/v1/**");
  // The held background touches reach the server before the caller goes on: one landing after a later sign-out
  // would be answered 404 (the session is gone), a console error that is only an artefact of holding them.
  const deadline = Date.now() + 4 * HOLD_MS;
  while (pending > 0 && Date.now() < deadline) await sleep(25);
  page.off("request", onRequest);
  page.off("requestfinished", onDone);
  page.off("requestfailed", onDone);
  assert.equal(pending, 0, "the held API requests finished");
}
