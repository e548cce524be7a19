// `npm run bench`: builds the SDK and the server, then measures sizes (bench/sizes.mjs), the server under load
// (bench/server.mjs) and the SDK in headless Chromium (bench/browser.mjs); prints every figure, writes
// bench/results.json (figures, machine, date) and rewrites the "Size and speed" table in README.md from it.
//
//   npm run bench                 everything (about 3 to 5 minutes)
//   npm run bench -- --only=sizes,server    some parts (sizes, server, browser); the others keep their last results
//   npm run bench -- --no-build   measure what is built
import { spawnSync, execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, totalmem, tmpdir, release, arch } from "node:os";
import { join } from "node:path";
import { measureSizes, formatSizes, ROOT } from "./sizes.mjs";
import { renderReadmeTable } from "./table.mjs";

const args = process.argv.slice(2);
const only = (args.find((a) => a.startsWith("--only=")) ?? "--only=sizes,server,browser").slice(7).split(",");
const resultsPath = join(ROOT, "bench/results.json");
const previous = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, "utf8")) : {};

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed with ${r.status ?? r.signal}`);
}

function version(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n")[0];
  } catch {
    return "not found";
  }
}

/** Whether Debian's PostgreSQL server is installed (what scripts/with-postgres.sh runs). */
function postgresInstalled() {
  try {
    return readdirSync("/usr/lib/postgresql").some((v) => existsSync(join("/usr/lib/postgresql", v, "bin/initdb")));
  } catch {
    return false;
  }
}

if (!args.includes("--no-build")) {
  run("bash", ["scripts/setup-test.sh"]);
  run("bash", ["scripts/build.sh"]);
}

const results = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()} ${arch()}`,
    node: process.version,
    chromium: version("/usr/bin/chromium", ["--version"]),
    rustc: version("rustc", ["--version"]),
  },
  budget: JSON.parse(readFileSync(join(ROOT, "bench/budget.json"), "utf8")),
  sizes: previous.sizes,
  server: previous.server,
  browser: previous.browser,
};

if (only.includes("sizes")) {
  results.sizes = measureSizes();
  results.sizes.unit = "bytes";
  console.log(`\n== sizes\n${formatSizes(results.sizes)}`);
}

const scratch = mkdtempSync(join(tmpdir(), "clerk-wasm-bench-"));
let failed = false;
try {
  for (const part of ["server", "browser"]) {
    if (!only.includes(part)) continue;
    console.log(`\n== ${part}`);
    const out = join(scratch, `${part}.json`);
    // The server part also measures PostgreSQL, in a throw-away cluster, when PostgreSQL is installed.
    const node = ["node", join("bench", `${part}.mjs`), "--json", out];
    const argv = part === "server" && postgresInstalled() ? ["bash", "scripts/with-postgres.sh", ...node] : node;
    if (part === "server" && argv[0] === "node") console.log("(PostgreSQL is not installed: its figures are skipped)");
    const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, stdio: "inherit" });
    if (existsSync(out)) Object.assign(results, JSON.parse(readFileSync(out, "utf8")));
    if (r.status !== 0) {
      failed = true;
      console.error(`bench/${part}.mjs failed (${r.status ?? r.signal}); its figures are not trusted`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
const readme = join(ROOT, "README.md");
writeFileSync(readme, renderReadmeTable(readFileSync(readme, "utf8"), results));
console.log(`\nwrote bench/results.json and the README's "Size and speed" table (${results.date})`);
process.exit(failed ? 1 : 0);
