// Renders the README's "Size and speed" table from bench/results.json, between the markers
// <!-- bench:begin --> and <!-- bench:end -->. Used by bench/run.mjs; `node bench/table.mjs` re-renders it alone.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "./sizes.mjs";

const BEGIN = "<!-- bench:begin -->";
const END = "<!-- bench:end -->";

const n = (x) => (typeof x === "number" ? x.toLocaleString("en-US") : "n/a");
const stat = (s, unit = "ms") => (s && typeof s.median === "number"
  ? `${s.median} ${unit} (${s.min}–${s.max})` : "n/a");
const kib = (bytes) => (typeof bytes === "number" ? `${(bytes / 1024).toFixed(0)} KiB` : "n/a");

/** The table's markdown lines for `results` (missing parts read "n/a"). */
export function tableLines(r) {
  const sizes = r.sizes?.total;
  const cache = r.browser?.firstPaint?.fromCache;
  const cold = r.browser?.firstPaint?.cold;
  const sw = r.browser?.switch;
  const tok = r.browser?.tokens;
  const mem = r.browser?.memory;
  const srv = r.server;
  const ms = (x) => (typeof x === "number" ? x.toFixed(2) : "n/a");
  const ratio = (x) => (typeof x === "number" ? `${x.toFixed(x < 0.1 ? 3 : 2)}×` : "n/a");
  const load = (x) => (x ? `${n(Math.round(x.rps))} req/s, p50 ${ms(x.p50_ms)} ms, p99 ${ms(x.p99_ms)} ms, ` +
    `${n(x.errors)} errors` + (x.vs_baseline ? ` (${ratio(x.vs_baseline.rps)} the baseline's req/s, p99 ` +
    `${ratio(x.vs_baseline.p99)})` : "") : "n/a");
  const pg = srv?.postgres;
  return [
    "| figure | measured | target |",
    "|---|---|---|",
    `| script-tag download: loader + glue + wasm, brotli 11 (gzip -9 / raw) | **${n(sizes?.brotli)} B** ` +
      `(${n(sizes?.gzip)} / ${n(sizes?.raw)} B) | ≤ 90,000 B; npm test fails above ${n(r.budget?.script_tag_brotli_max)} B |`,
    `| reload with 3 accounts, API held 300 ms: navigation → UserButton visible | ${stat(cache?.navigationToTriggerVisibleMs)}; ` +
      `before the first API response in ${cache?.visibleBeforeFirstApiResponseRuns ?? "n/a"} runs | before any API response |`,
    `| same: wasm instantiated → UserButton visible | ${stat(cache?.wasmInstantiatedToTriggerVisibleMs)}; within one frame in ` +
      `${cache?.withinOneFrameOfWasmRuns ?? "n/a"} runs | ≤ 1 frame (16.7 ms) |`,
    `| wasm instantiate (from HTTP cache / cold) | ${stat(cache?.wasmInstantiateMs)} / ${stat(cold?.wasmInstantiateMs)} | |`,
    `| cold (no storage): navigation → "Sign in" ready | ${stat(cold?.navigationToSignInReadyMs)} | |`,
    `| switch account in UserButton: click → trigger and listener updated | ${stat(sw?.clickToSwitchedMs)}; ` +
      `${n(sw?.requestsAwaited)} requests awaited | ≤ 16 ms, 0 requests |`,
    `| cached \`session.getToken()\` | ${stat(tok?.cachedPerCallMs)} per call | ≤ 0.1 ms |`,
    `| 100 concurrent \`getToken()\` on a cold cache | ${n(tok?.concurrentColdTokenRequestsMax)} token request(s) | 1 |`,
    `| server \`GET /v1/client\`, ${srv?.connections ?? 64} connections, ${srv?.seconds ?? 10} s | ${load(srv?.get_client)} | ` +
      "≥ 10,000 req/s, p99 ≤ 10 ms, 0 errors |",
    `| server \`POST …/touch\`, same load | ${load(srv?.touch)} | 0 errors |`,
    `| baseline: bare axum on the same runtime, fixed JSON of the same sizes, GET / POST | ${load(srv?.baseline?.get)} / ` +
      `${load(srv?.baseline?.post)} | |`,
    `| server \`GET /v1/client\` on PostgreSQL, 1 instance / 2 instances | ${load(pg?.one?.get_client)} / ` +
      `${load(pg?.two?.get_client)} | 0 errors |`,
    `| server \`POST …/touch\` on PostgreSQL, 1 instance / 2 instances | ${load(pg?.one?.touch)} / ` +
      `${load(pg?.two?.touch)} | 0 errors |`,
    `| password sign-in (argon2id), over loopback | ${srv?.sign_in ? `${ms(srv.sign_in.median_ms)} ms ` +
      `(${ms(srv.sign_in.min_ms)}–${ms(srv.sign_in.max_ms)}), of which the server's own ` +
      `${ms(srv.sign_in.server?.median_ms)} ms` : "n/a"} | |`,
    `| memory after load with 3 accounts: JS heap / wasm | ${kib(mem?.afterLoadWithThreeAccounts?.jsHeapUsedBytes)} / ` +
      `${kib(mem?.afterLoadWithThreeAccounts?.wasmMemoryBytes)} | |`,
    `| memory after ${n(mem?.apiSwitches)} switches, then ${n(mem?.apiSwitches)} more: JS heap / wasm | ` +
      `${kib(mem?.afterApiSwitches?.jsHeapUsedBytes)} / ${kib(mem?.afterApiSwitches?.wasmMemoryBytes)}, then ` +
      `${kib(mem?.afterSecondRoundOfApiSwitches?.jsHeapUsedBytes)} / ` +
      `${kib(mem?.afterSecondRoundOfApiSwitches?.wasmMemoryBytes)} | no growth beyond noise |`,
    "",
    `Measured ${r.date?.slice(0, 10) ?? "n/a"} on ${r.machine?.cores ?? "?"} cores (${r.machine?.cpu ?? "unknown CPU"}), ` +
      `${r.machine?.chromium ?? "Chromium"}, headless; medians with min–max. Server figures in parentheses are ratios ` +
      "to the bare-axum baseline of the same run (absolute req/s vary about 3× between machines of the same kind). " +
      "PostgreSQL runs in a throw-away local cluster (`fsync=off`); with 2 instances the load generator's " +
      "connections are spread over both. Run `npm run bench` to measure again (it rewrites this table and " +
      "`bench/results.json`).",
  ];
}

/** `readme` with the text between the markers replaced by the table for `results`. */
export function renderReadmeTable(readme, results) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} section`);
  return `${readme.slice(0, start + BEGIN.length)}\n${tableLines(results).join("\n")}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = JSON.parse(readFileSync(join(ROOT, "bench/results.json"), "utf8"));
  const readme = join(ROOT, "README.md");
  writeFileSync(readme, renderReadmeTable(readFileSync(readme, "utf8"), results));
  console.log(tableLines(results).join("\n"));
}
