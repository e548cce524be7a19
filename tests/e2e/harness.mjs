// Shared harness for the end-to-end journeys (`node --test tests/e2e/`): the real server binary on a free port with a
// throw-away data dir and database, Debian's Chromium or Firefox ESR through playwright-core, a tracker for CSP
// violations and console errors, and UI helpers that act as a user would (roles and accessible names only).
// Every journey runs in each browser of BROWSERS (`inEachBrowser`); E2E_BROWSERS=firefox (or chromium) restricts
// them while working on one.
//
//   import { inEachBrowser, startServer, launchBrowser, signUpThroughUi, uniqueUser } from "./harness.mjs";
//   inEachBrowser((name) => { test("…", async () => {
//   const server = await startServer();                    // { url, secretKey, backend(), outbox(), stop() }
//   const browser = await launchBrowser(name);             // { name, context, page, newPage(), problems, close() }
//   await browser.page.goto(server.url);                   // the script-tag demo page (www/index.html)
//   await signUpThroughUi(browser.page, uniqueUser("a"));
//   browser.assertNoProblems();                            // no CSP violation, no console error, no page error
//   await browser.close(); await server.stop(); }); });
//
// The server binary is target/debug/clerk-wasm-server (`cargo build -p clerk-wasm-server`, done by scripts/test.sh);
// pkg/ must hold the build (`npm run build`).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { describe } from "node:test";
import { chromium, firefox } from "playwright-core";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The password every test user gets, and the demo users' password. */
export const PASSWORD = "e2e-password-1";
export const DEMO_PASSWORD = "demo-password-1";
/** Playwright's launch arguments for Debian's Chromium (see ../shared/toolchain.md). */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
  "--disable-quic"];

/** The browsers the journeys run in, in this order. */
export const ALL_BROWSERS = ["chromium", "firefox"];

/**
 * The browsers this run uses: all of them, or those named in E2E_BROWSERS (comma-separated, e.g. "firefox"), which
 * is for working on one browser; `npm test` runs both.
 */
export const BROWSERS = (() => {
  const wanted = (process.env.E2E_BROWSERS ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !ALL_BROWSERS.includes(name));
  if (unknown.length) throw new Error(`E2E_BROWSERS names unknown browsers: ${unknown.join(", ")} (known: ${ALL_BROWSERS})`);
  return wanted.length ? ALL_BROWSERS.filter((name) => wanted.includes(name)) : ALL_BROWSERS;
})();

/**
 * Defines a file's tests once per browser: `define(name)` runs inside a `describe(name)`, so its hooks and tests
 * belong to that browser and the test report names it ("chromium > journey 1: …").
 */
export function inEachBrowser(define) {
  for (const name of BROWSERS) describe(name, () => define(name));
}

/**
 * Starts target/debug/clerk-wasm-server on 127.0.0.1:0 with `--dev`, a fresh data dir and database, raised rate
 * limits and a known secret key. Options: `staticDir` (default www/), `pkgDir` (default pkg/), `seedDemo`
 * (default true), `args` (extra flags), `binary` (another build of the server, e.g. target/server/clerk-wasm-server
 * for the benchmark), `databaseUrl` (default: a fresh SQLite file), `secretKey` (default: a random one; instances
 * sharing a database need the same). Resolves once the server printed its address (and the demo users).
 */
export async function startServer({ staticDir = join(ROOT, "www"), pkgDir = join(ROOT, "pkg"), seedDemo = true,
  args = [], binary = join(ROOT, "target/debug/clerk-wasm-server"), databaseUrl = null,
  secretKey = `sk_test_e2e${randomBytes(32).toString("hex")}` } = {}) {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`cargo build -p clerk-wasm-server\``);
  if (!existsSync(join(pkgDir, "clerk.browser.js"))) throw new Error(`${pkgDir} has no build: run \`npm run build\``);
  const scratch = mkdtempSync(join(tmpdir(), "clerk-wasm-e2e-server-"));
  const child = spawn(binary, [
    "--addr", "127.0.0.1:0", "--data-dir", join(scratch, "data"),
    "--database-url", databaseUrl ?? `sqlite://${join(scratch, "e2e.db")}`,
    "--static-dir", staticDir, "--pkg-dir", pkgDir, "--dev", "--secret-key", secretKey,
    "--rate-limit-ip", "100000", "--rate-limit-client", "100000",
    ...(seedDemo ? ["--seed-demo"] : []), ...args,
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let log = "";
  child.stderr.on("data", (chunk) => { log += chunk; });
  const exited = new Promise((done) => child.once("exit", done));
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${log}`)), 30_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/^clerk-wasm-server listening on (http:\/\/\S+)$/m);
      if (match && (!seedDemo || out.includes("demo user: alan@example.com"))) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${log}`)); });
  });
  let stopped = false;
  return {
    url,
    secretKey,
    /** The server's log so far (standard error), for failure messages. */
    log: () => log,
    /** Calls the backend API with the secret key; `form` is sent form-encoded. Resolves with the parsed JSON. */
    async backend(method, path, form) {
      const response = await fetch(new URL(path, url), {
        method,
        headers: { authorization: `Bearer ${secretKey}`,
          ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(body)}`);
      return body;
    },
    /** Switches single-session mode on or off (`PATCH /v1/instance`). */
    setSingleSessionMode(on) {
      return this.backend("PATCH", "/v1/instance", { single_session_mode: String(on) });
    },
    /** The dev outbox for `email` (`{ messages: [{ to, code, purpose, sent_at }] }`). */
    async outbox(email) {
      const response = await fetch(new URL(`/dev/outbox?email=${encodeURIComponent(email)}`, url));
      return response.json();
    },
    /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its data. Safe to call twice. */
    async stop() {
      if (!stopped) {
        stopped = true;
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await exited;
          clearTimeout(timer);
        }
      }
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Firefox preference for the colour scheme pages see: Playwright's `colorScheme` has no effect on Firefox. */
const FIREFOX_COLOR_SCHEME = { dark: 0, light: 1 };

/**
 * Opens a persistent context (a fresh profile in `profile`) in Debian's `name` browser, "chromium" or "firefox"
 * (see ../shared/toolchain.md). Options: `viewport`, `colorScheme` ("light" or "dark"), `deviceScaleFactor`.
 */
export function launchContext(name, profile, { viewport, colorScheme = "light", deviceScaleFactor } = {}) {
  if (name === "chromium") {
    return chromium.launchPersistentContext(profile, {
      headless: true, executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, viewport, colorScheme, deviceScaleFactor,
    });
  }
  if (name === "firefox") {
    // Debian's stock Firefox ESR over WebDriver BiDi (channel "moz-firefox"), not Playwright's patched build.
    return firefox.launchPersistentContext(profile, {
      headless: true, channel: "moz-firefox", executablePath: "/usr/bin/firefox-esr", viewport, deviceScaleFactor,
      firefoxUserPrefs: { "layout.css.prefers-color-scheme.content-override": FIREFOX_COLOR_SCHEME[colorScheme] },
    });
  }
  throw new Error(`unknown browser ${name} (known: ${ALL_BROWSERS})`);
}

/**
 * Launches Debian's Chromium or Firefox ESR (`name`: "chromium" or "firefox") with a fresh profile (one persistent
 * context = one browser profile; its pages share localStorage like tabs do). Every page of the context is watched:
 * CSP violations (`securitypolicyviolation`, through an init script: the same in both browsers), console errors,
 * uncaught page errors and HTTP error answers land in `problems`. Options: `viewport`, `colorScheme`, `allow`
 * (regexps of console errors a journey provokes on purpose, e.g. an expected 422).
 */
export async function launchBrowser(name, { viewport = { width: 1100, height: 800 }, colorScheme = "light", allow = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), `clerk-wasm-e2e-${name}-`));
  let context;
  try {
    context = await launchContext(name, profile, { viewport, colorScheme });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const problems = [];
  const allowed = [...allow];
  await context.exposeBinding("__e2eReportViolation", ({ page }, text) => {
    problems.push(`CSP violation on ${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__e2eReportViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const watch = (page) => {
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const text = message.text();
      if (!allowed.some((pattern) => pattern.test(text))) problems.push(`console error on ${page.url()}: ${text}`);
    });
    page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.stack || error}`));
    // Chromium logs every HTTP error answer as a console error ("Failed to load resource: the server responded with
    // a status of 404 (Not Found)"), which the listener above counts; Firefox logs none to the console. So that an
    // unexpected 4xx/5xx fails a journey in Firefox too, the same message is made from the response there, and the
    // same `allow` patterns apply to it.
    if (name === "firefox") {
      page.on("response", (response) => {
        if (response.status() < 400) return;
        const text = `Failed to load resource: the server responded with a status of ${response.status()} (${response.statusText()})`;
        if (!allowed.some((pattern) => pattern.test(text))) problems.push(`HTTP error on ${page.url()}: ${text} for ${response.url()}`);
      });
    }
  };
  // API requests in flight (for `apiIdle()`).
  const flight = { count: 0 };
  inFlight.set(context, flight);
  const isApi = (request) => new URL(request.url()).pathname.startsWith("/v1/");
  context.on("request", (request) => { if (isApi(request)) flight.count++; });
  for (const done of ["requestfinished", "requestfailed"]) {
    context.on(done, (request) => { if (isApi(request)) flight.count--; });
  }
  context.pages().forEach(watch);
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    /** "chromium" or "firefox". */
    name,
    context,
    /** The first tab. */
    page,
    /** CSP violations, console errors and page errors seen so far. */
    problems,
    /** Also accept console errors matching `pattern` from now on. */
    allow(pattern) { allowed.push(pattern); },
    /** Another tab in the same profile. */
    newPage: () => context.newPage(),
    /** See `apiIdle(page)`. */
    apiIdle: (timeout) => apiIdle(page, timeout),
    /** Throws when anything went wrong in any page of this browser. */
    assertNoProblems() {
      if (problems.length) throw new Error(`problems in the browser:\n${problems.join("\n")}`);
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** API requests in flight per browser context (contexts from `launchBrowser`). */
const inFlight = new WeakMap();

/**
 * Resolves once no API request of `page`'s browser has been in flight for 100 ms — e.g. the background `touch` a
 * switch makes, which would answer 404 (and the browser would log that as a console error) if the test signed that
 * session out meanwhile. A no-op for contexts not made by `launchBrowser`.
 */
export async function apiIdle(page, timeout = 10_000) {
  const flight = inFlight.get(page.context());
  if (!flight) return;
  const deadline = Date.now() + timeout;
  let quietSince = Date.now();
  while (Date.now() - quietSince < 100) {
    if (Date.now() > deadline) throw new Error(`API requests still in flight after ${timeout} ms`);
    await sleep(20);
    if (flight.count > 0) quietSince = Date.now();
  }
}

/** A fresh user `{ firstName, lastName, email, password }` with a unique address. */
export function uniqueUser(prefix, firstName = prefix[0].toUpperCase() + prefix.slice(1), lastName = "Tester") {
  return { firstName, lastName, email: `${prefix}-${randomBytes(4).toString("hex")}@example.com`, password: PASSWORD };
}

/** Opens `url` and waits until `window.Clerk` has loaded (its `load()` resolved). */
export async function openApp(page, url) {
  await page.goto(url);
  await waitForClerk(page);
}

/** Waits until `window.Clerk.loaded` is true. */
export async function waitForClerk(page) {
  await page.waitForFunction(() => window.Clerk && window.Clerk.loaded === true, null, { timeout: 15_000 });
}

/** The UserButton's trigger (closed or open). */
export function userButton(page) {
  return page.getByRole("button", { name: /^(Open|Close) user menu$/ });
}

/** Opens the UserButton's panel and resolves with it (the dialog "Account panel"). */
export async function openUserMenu(page) {
  const panel = page.getByRole("dialog", { name: "Account panel" });
  if (!(await panel.isVisible())) await page.getByRole("button", { name: "Open user menu" }).click();
  await panel.waitFor();
  return panel;
}

/**
 * Signs a new account up through the components, as a user does: from the SignIn on the page when signed out, else
 * through the UserButton's "Add account" (the "Sign in" modal), then "Sign up", the form and "Create account".
 * Resolves once that account is this tab's active account and the API is idle. `user` from `uniqueUser()`.
 */
export async function signUpThroughUi(page, user) {
  const scope = await openSignInCard(page);
  await scope.getByRole("button", { name: "Sign up", exact: true }).click();
  await scope.getByRole("textbox", { name: "First name" }).fill(user.firstName);
  await scope.getByRole("textbox", { name: "Last name" }).fill(user.lastName);
  await scope.getByRole("textbox", { name: "Email address" }).fill(user.email);
  await scope.getByLabel("Password", { exact: true }).fill(user.password);
  await scope.getByRole("button", { name: "Create account" }).click();
  await waitForActiveEmail(page, user.email);
  await apiIdle(page);
}

/**
 * Signs an existing account in with its password through the components (the page's SignIn, or "Add account").
 * With `expectError`, resolves with the text of the form's alert instead of waiting for the sign-in.
 */
export async function signInThroughUi(page, { email, password }, { expectError = false } = {}) {
  const scope = await openSignInCard(page);
  const another = scope.getByRole("button", { name: "Use another account" });
  if (await another.isVisible()) await another.click();
  await scope.getByRole("textbox", { name: "Email address" }).fill(email);
  await scope.getByLabel("Password", { exact: true }).fill(password);
  await scope.getByRole("button", { name: "Sign in", exact: true }).click();
  if (expectError) {
    const alert = scope.getByRole("alert");
    await alert.waitFor();
    return (await alert.textContent()).trim();
  }
  await waitForActiveEmail(page, email);
  await apiIdle(page);
  return null;
}

/** The SignIn card to use: the modal from "Add account" when someone is signed in, else the page's own. */
async function openSignInCard(page) {
  if (await userButton(page).isVisible()) {
    const panel = await openUserMenu(page);
    await panel.getByRole("button", { name: "Add account" }).click();
    const modal = page.getByRole("dialog", { name: /^Sign (in|up)$/ }); // renamed when it switches to Sign up
    await modal.waitFor();
    return modal;
  }
  const card = page.getByRole("region", { name: "Sign in to the demo" });
  await card.waitFor();
  return card;
}

/** Waits until this tab's active account (`Clerk.user`) is `email`. */
export async function waitForActiveEmail(page, email) {
  await page.waitForFunction(
    (expected) => window.Clerk?.user?.primaryEmailAddress?.emailAddress === expected, email, { timeout: 15_000 });
}

/** `Clerk.user`'s email in the page, or null. */
export function activeEmail(page) {
  return page.evaluate(() => window.Clerk?.user?.primaryEmailAddress?.emailAddress ?? null);
}

/** The demo page's "Signed-in accounts" panel (a region). */
export function accountsPanel(page) {
  return page.getByRole("region", { name: "Signed-in accounts" });
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
