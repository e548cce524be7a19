// Screenshots of the components for the README (`npm run screenshots`, after `bash scripts/build.sh`): starts the
// reference server with the demo users and a small demo page (served under the server's strict CSP, which the page
// must not violate), signs the three demo users in, and captures the open UserButton (light and dark) and SignIn
// into docs/*.png with Playwright driving Debian's Chromium (the README's pictures), and the open UserButton in
// Debian's Firefox ESR too (docs/user-button-*-firefox.png, to compare the two by eye).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launchContext } from "../tests/e2e/harness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = mkdtempSync(join(tmpdir(), "clerk-wasm-shots-"));
const www = join(scratch, "www");
mkdirSync(www);

/** The demo page: markup, its stylesheet and its module (no inline script or style: the CSP forbids both). */
writeFileSync(join(www, "index.html"), `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>clerk-wasm components</title>
  <link rel="stylesheet" href="/demo.css">
  <script type="module" src="/demo.js"></script>
</head>
<body>
  <header><span class="brand">Acme&nbsp;Notes</span><nav><a>Dashboard</a><a>Projects</a><a>Team</a></nav>
    <div id="user-button"></div></header>
  <main><div id="sign-in"></div></main>
</body>
</html>
`);
writeFileSync(join(www, "demo.css"), `
body { margin: 0; font: 15px system-ui, sans-serif; background: #f5f6f8; color: #1f2328; min-height: 100vh; }
body.dark { background: #111216; color: #ececf1; }
header { display: flex; align-items: center; gap: 2rem; padding: 0.75rem 1.5rem; background: #fff;
  border-bottom: 1px solid #e3e5e8; }
body.dark header { background: #1a1b20; border-color: #2a2c33; }
.brand { font-weight: 700; font-size: 1.1rem; }
nav { display: flex; gap: 1.25rem; flex: 1; opacity: 0.7; }
main { padding: 3rem 1rem; }
`);
writeFileSync(join(www, "demo.js"), `
import init, { Clerk } from "/pkg/clerk_wasm.js";
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
await init();
window.clerk = new Clerk(location.origin);
await window.clerk.load();
window.__ready = true;
`);
writeFileSync(join(www, "favicon.ico"), "");

/** Starts the server and resolves with its URL. */
function startServer() {
  execFileSync("cargo", ["build", "--quiet", "-p", "clerk-wasm-server"], { cwd: root, stdio: "inherit" });
  const server = spawn(join(root, "target/debug/clerk-wasm-server"), [
    "--addr", "127.0.0.1:0", "--data-dir", join(scratch, "data"), "--database-url", `sqlite://${join(scratch, "db.sqlite")}`,
    "--static-dir", www, "--pkg-dir", join(root, "pkg"), "--dev", "--seed-demo",
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  server.stderr.on("data", (chunk) => { log += chunk; });
  return new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match && out.includes("demo user: alan@example.com")) resolve({ server, url: match[1] });
    });
    server.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
}

const DEMO = ["alan@example.com", "grace@example.com", "ada@example.com"];

/** The CSP hash of `body {}`, which Firefox's report of Playwright's screenshot style names (see openPage). */
const PLAYWRIGHT_SYNC_STYLE_HASH = "sha256-YjaKGiklmzC6wjXA513HAMmzus8VE61XCOT+SmwNZWA=";

/** A fresh browser profile on the demo page, in `browser` ("chromium" or "firefox"). */
async function openPage(url, colorScheme, browser = "chromium") {
  const context = await launchContext(browser, mkdtempSync(join(scratch, "profile-")), {
    viewport: { width: 960, height: 600 }, deviceScaleFactor: 2, colorScheme,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => {
    // Before a screenshot in Firefox, Playwright adds `<style>body {}</style>` to the page for a moment (to restart
    // the style system so that animations are in step); the page's CSP refuses that inline style, and Firefox reports
    // the refusal as a page error. It is Playwright's, not the page's: the page's own CSP check is checkCsp below.
    if (browser === "firefox" && String(e).includes(PLAYWRIGHT_SYNC_STYLE_HASH)) return;
    console.error("page error:", e);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__ready === true);
  return { context, page };
}

/** Fails when the page reported CSP violations. */
async function checkCsp(page) {
  const violations = await page.evaluate(() => window.__violations);
  if (violations.length) throw new Error(`CSP violations: ${violations.join(", ")}`);
}

if (!existsSync(join(root, "pkg/clerk_wasm.js"))) throw new Error("pkg/ is missing: run `bash scripts/build.sh` first");
const { server, url } = await startServer();
try {
  mkdirSync(join(root, "docs"), { recursive: true });
  const written = [];
  for (const [browser, suffix] of [["chromium", ""], ["firefox", "-firefox"]]) {
    for (const theme of ["light", "dark"]) {
      const { context, page } = await openPage(url, theme, browser);
      await page.evaluate(async ({ emails, theme }) => {
        for (const identifier of emails) {
          const signIn = await window.clerk.client.signIn.create({ identifier, password: "demo-password-1" });
          await window.clerk.setActive({ session: signIn.createdSessionId });
        }
        if (theme === "dark") document.body.classList.add("dark");
        window.clerk.mountUserButton(document.getElementById("user-button"), {
          showName: true, userProfileUrl: "#profile", appearance: { baseTheme: theme },
        });
      }, { emails: DEMO, theme });
      await page.getByRole("button", { name: "Open user menu" }).click();
      await page.getByRole("dialog", { name: "Account panel" }).waitFor();
      await page.waitForTimeout(400); // the panel's opening animation
      await checkCsp(page);
      const file = `docs/user-button-${theme}${suffix}.png`;
      await page.screenshot({ path: join(root, file), clip: { x: 420, y: 0, width: 540, height: 440 } });
      written.push(file);
      await context.close();
    }
  }
  const { context, page } = await openPage(url, "light");
  await page.evaluate(() => window.clerk.mountSignIn(document.getElementById("sign-in")));
  await page.getByRole("textbox", { name: "Email address" }).fill("ada@example.com");
  await page.getByRole("button", { name: "Email me a code" }).waitFor();
  await checkCsp(page);
  await page.screenshot({ path: join(root, "docs/sign-in.png"), clip: { x: 230, y: 60, width: 500, height: 520 } });
  await context.close();
  written.push("docs/sign-in.png");
  console.log(`wrote ${written.join(", ")}`);
} finally {
  server.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
}
