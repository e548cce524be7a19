// Server benchmark (issue 6): the reference server under load, on this machine, over loopback.
//
//   node bench/server.mjs [--json FILE] [--no-build]
//
// Builds the server and the load generator (bench/loadgen) with the optimised `server` profile, starts the server
// on a free port with a throw-away data dir and database, signs a user up and then in through the Frontend API
// (password strategy), and measures:
//   - GET /v1/client with that client's token, and POST /v1/client/sessions/{id}/touch, each for BENCH_SECONDS
//     (default 10) at BENCH_CONNECTIONS (default 64) keep-alive connections after a BENCH_WARMUP (default 1) s
//     warm-up: requests/s, p50/p99/max latency, errors (any non-2xx answer or failed request);
//   - a password sign-in's time: BENCH_SIGN_INS (default 10) complete sign-ins, each on a fresh client; the
//     attempt_first_factor request (where argon2 runs) timed on loopback, and the server's own time from its
//     `Server-Timing: app;dur=…` header.
// The same two loads then run against a bare axum server (bench/loadgen/src/baseline.rs) answering fixed JSON bodies
// of the sizes the server's answers had, on the same runtime: every server figure is also shown as a ratio to it, so
// runs on machines of different speed compare. With `CLERK_TEST_POSTGRES_URL` set (bench/run.mjs runs this inside
// scripts/with-postgres.sh, a throw-away cluster), the two loads run again on PostgreSQL with one instance, then with
// two instances on the same database, the connections spread over both (as by a load balancer).
// Prints a table; `--json FILE` also writes {"server": {...}} to FILE. Exits non-zero when any load request failed.
// The server runs in its production configuration (no --dev; RUST_LOG from the environment, default info: one log
// line per request, written to a file). The load generator shares the machine's cores with the server
// (BENCH_LOADGEN_THREADS, default 1).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SERVER_BIN = join(ROOT, "target/server/clerk-wasm-server");
const LOADGEN_BIN = join(ROOT, "target/server/clerk-wasm-loadgen");
const BASELINE_BIN = join(ROOT, "target/server/clerk-wasm-baseline");
/** How long the server may take to print its address (it generates an RSA key on a fresh data dir). */
const START_TIMEOUT_MS = 60_000;
/** Rate limits far above what the benchmark's few sign-ins need, so none of them can trip. */
const NO_RATE_LIMIT = "1000000";
/** The target for GET /v1/client on 2 cores. */
const TARGET = { rps: 10_000, p99_ms: 10 };
const PASSWORD = "bench-password-1";
/** Clock ticks per second in /proc/<pid>/stat (USER_HZ, fixed at 100 in Linux's user ABI). */
const USER_HZ = 100;

/** A positive integer from the environment, else `fallback`; anything else is a usage error. */
function envNumber(name, fallback, { integer = true, min = 1 } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${name}=${raw}: expected ${integer ? "an integer" : "a number"} ≥ ${min}`);
  }
  return value;
}

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { json: null, build: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") {
      args.json = argv[++i];
      if (!args.json) throw new UsageError("--json needs a file name");
    } else if (arg.startsWith("--json=")) {
      args.json = arg.slice("--json=".length);
    } else if (arg === "--no-build") {
      args.build = false;
    } else if (arg === "--help" || arg === "-h") {
      args.help = true;
    } else {
      throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return args;
}

function build() {
  const cargo = spawnSync("cargo", ["build", "--quiet", "--profile", "server", "-p", "clerk-wasm-server",
    "-p", "clerk-wasm-loadgen"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (cargo.error) throw new Error(`cannot run cargo: ${cargo.error.message}`);
  if (cargo.status !== 0) throw new Error(`cargo build failed (exit ${cargo.status})`);
}

/**
 * CPU time (user + system, in ms) process `pid` has used so far, from /proc (Linux); null where unavailable. Lets a
 * reader judge figures taken on a busy machine: CPU per request does not depend on what else runs.
 */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / USER_HZ : null;
  } catch {
    return null;
  }
}

/** The backend secret key of every server instance of this run. */
const SECRET_KEY = `sk_test_bench${randomBytes(32).toString("hex")}`;

/** CPU time (ms) of all `pids` together, or null. */
function cpuOf(pids) {
  const times = pids.map(cpuMs);
  return times.every((t) => t !== null) ? times.reduce((a, b) => a + b, 0) : null;
}

/** Starts the server binary (on `databaseUrl`, else a fresh SQLite file); resolves with { url, pid, log(), stop() }. */
function startServer(databaseUrl = null) {
  const scratch = mkdtempSync(join(tmpdir(), "clerk-wasm-bench-"));
  return startProcess(SERVER_BIN, [
    "--addr", "127.0.0.1:0", "--data-dir", join(scratch, "data"),
    "--database-url", databaseUrl ?? `sqlite://${join(scratch, "bench.db")}`,
    "--static-dir", join(scratch, "www"), "--pkg-dir", join(scratch, "pkg"),
    "--secret-key", SECRET_KEY,
    "--rate-limit-ip", NO_RATE_LIMIT, "--rate-limit-client", NO_RATE_LIMIT,
  ], scratch, /^clerk-wasm-server listening on (http:\/\/\S+)$/m);
}

/** Starts the baseline server answering `getBytes` to GET and `postBytes` to POST. */
function startBaseline(getBytes, postBytes) {
  const scratch = mkdtempSync(join(tmpdir(), "clerk-wasm-bench-"));
  return startProcess(BASELINE_BIN, ["--get-bytes", String(getBytes), "--post-bytes", String(postBytes)], scratch,
    /^clerk-wasm-baseline listening on (http:\/\/\S+)$/m);
}

/**
 * Starts `bin` with `argv`, its log in `scratch` (removed on stop); resolves with { url, pid, log(), stop() } once
 * it printed a line matching `listening` (whose group 1 is its URL).
 */
async function startProcess(bin, argv, scratch, listening) {
  for (const needed of [bin, LOADGEN_BIN]) {
    if (!existsSync(needed)) throw new Error(`${needed} is missing (run without --no-build)`);
  }
  // The log goes to a file, not a pipe: reading it from here would take CPU from the server under test.
  const logPath = join(scratch, "server.log");
  const logFd = openSync(logPath, "w");
  const child = spawn(bin, argv, { stdio: ["ignore", "pipe", logFd] });
  closeSync(logFd);
  const log = () => { try { return readFileSync(logPath, "utf8"); } catch { return ""; } };
  const exited = new Promise((done) => child.once("exit", done));
  let stopped = false;
  const stop = async () => {
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
  };
  try {
    const url = await new Promise((resolveUrl, reject) => {
      let out = "";
      const timer = setTimeout(
        () => reject(new Error(`server did not start in ${START_TIMEOUT_MS / 1000} s:\n${log()}`)), START_TIMEOUT_MS);
      child.stdout.on("data", (chunk) => {
        out += chunk;
        const match = out.match(listening);
        if (match) { clearTimeout(timer); resolveUrl(match[1]); }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${log()}`));
      });
    });
    child.stdout.resume();
    return { url, pid: child.pid, log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One Frontend API call (native mode, form body); resolves with { status, body, token, ms, serverMs }. */
async function fapi(base, method, path, { token, form } = {}) {
  const url = new URL(path, base);
  url.searchParams.set("_is_native", "1");
  const headers = {};
  if (token) headers.authorization = token;
  if (form) headers["content-type"] = "application/x-www-form-urlencoded";
  const started = performance.now();
  const response = await fetch(url, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined });
  const text = await response.text();
  const bytes = Buffer.byteLength(text);
  const ms = performance.now() - started;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} → ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(body)}`);
  return { status: response.status, body, bytes, token: response.headers.get("authorization"), ms,
    serverMs: serverTiming(response.headers.get("server-timing")) };
}

/** The `app` duration (ms) of a `Server-Timing` header, or null. */
function serverTiming(header) {
  const match = /(?:^|,)\s*app\s*;(?:[^,]*;)?\s*dur=([0-9.]+)/.exec(header ?? "");
  return match ? Number(match[1]) : null;
}

/** A complete password sign-in on a fresh client: { token, sessionId, ms, serverMs } of the attempt request. */
async function signIn(base, email) {
  const created = await fapi(base, "POST", "/v1/client/sign_ins", { form: { identifier: email } });
  const token = created.token;
  if (!token) throw new Error("POST /v1/client/sign_ins created a client but returned no Authorization header");
  const signInId = created.body.response?.id;
  if (created.body.response?.status !== "needs_first_factor") {
    throw new Error(`sign-in did not ask for a first factor: ${JSON.stringify(created.body.response)}`);
  }
  const attempt = await fapi(base, "POST", `/v1/client/sign_ins/${signInId}/attempt_first_factor`,
    { token, form: { strategy: "password", password: PASSWORD } });
  const sessionId = attempt.body.response?.created_session_id;
  if (attempt.body.response?.status !== "complete" || !sessionId) {
    throw new Error(`password attempt did not complete the sign-in: ${JSON.stringify(attempt.body.response)}`);
  }
  return { token, sessionId, ms: attempt.ms, serverMs: attempt.serverMs };
}

/** Median, min and max of a non-empty list. */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const round = (x) => Math.round(x * 1000) / 1000;
  return { median_ms: round(median), min_ms: round(sorted[0]), max_ms: round(sorted[sorted.length - 1]) };
}

/**
 * Runs the load generator; resolves with its JSON report plus `server_cpu_us_per_request`: the server's CPU time
 * from the end of the warm-up until the load generator exited, per counted request (null without /proc).
 */
function loadgen({ url, alsoUrls = [], method, headers, seconds, connections, warmup, threads, serverPids }) {
  const args = ["--url", url, ...alsoUrls.flatMap((u) => ["--also-url", u]), "--method", method, "--duration", String(seconds), "--warmup", String(warmup),
    "--connections", String(connections), "--threads", String(threads)];
  for (const header of headers) args.push("--header", header);
  return new Promise((resolveReport, reject) => {
    const child = spawn(LOADGEN_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
    let cpuAtStart = null;
    const warmupTimer = setTimeout(() => { cpuAtStart = cpuOf(serverPids); }, warmup * 1000);
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => { out += chunk; });
    child.stderr.on("data", (chunk) => { err += chunk; });
    child.once("error", (e) => reject(new Error(`cannot run ${LOADGEN_BIN}: ${e.message}`)));
    child.once("exit", (code) => {
      clearTimeout(warmupTimer);
      const cpuAtEnd = cpuOf(serverPids);
      if (err.trim()) process.stderr.write(err);
      if (code !== 0) return reject(new Error(`load generator exited with ${code}: ${err.trim()}`));
      let report;
      try {
        report = JSON.parse(out);
      } catch {
        return reject(new Error(`load generator printed no JSON: ${out.slice(0, 200)}`));
      }
      const cpu = cpuAtStart !== null && cpuAtEnd !== null && report.requests > 0
        ? Math.round(((cpuAtEnd - cpuAtStart) * 1000) / report.requests) : null;
      resolveReport({ ...report, server_cpu_us_per_request: cpu });
    });
  });
}

/** `report` with its req/s, p50 and p99 as multiples of the baseline report `base`'s (`vs_baseline`). */
function withRatio(report, base) {
  const ratio = (a, b) => (typeof a === "number" && typeof b === "number" && b > 0
    ? Math.round((a / b) * 1000) / 1000 : null);
  return { ...report, vs_baseline: { rps: ratio(report.rps, base?.rps), p50: ratio(report.p50_ms, base?.p50_ms),
    p99: ratio(report.p99_ms, base?.p99_ms) } };
}

/** The readable report. */
function table(result) {
  const fmt = (x, digits = 2) => (x === null || x === undefined ? "–" : x.toFixed(digits));
  const times = (x) => (x === null || x === undefined ? "–" : `${x.toFixed(x < 0.1 ? 3 : 2)}×`);
  // [heading, width, cell of a load report]; the first column is left-aligned, the others right-aligned.
  const columns = [
    ["endpoint", 46, null],
    ["requests", 10, (r) => String(r.requests)],
    ["req/s", 10, (r) => String(r.rps)],
    ["p50 ms", 9, (r) => fmt(r.p50_ms)],
    ["p99 ms", 9, (r) => fmt(r.p99_ms)],
    ["max ms", 9, (r) => fmt(r.max_ms)],
    ["errors", 8, (r) => String(r.errors)],
    ["server CPU/req", 16, (r) => (r.server_cpu_us_per_request === null ? "–"
      : `${r.server_cpu_us_per_request} µs`)],
    ["req/s vs base", 15, (r) => times(r.vs_baseline?.rps)],
    ["p99 vs base", 13, (r) => times(r.vs_baseline?.p99)],
  ];
  const row = (first, cell) => columns.map(([heading, width, value], i) =>
    (i === 0 ? first.padEnd(width) : cell(heading, value).padStart(width))).join("");
  const lines = [
    `server benchmark: ${result.connections} connections, ${result.seconds} s per endpoint, ` +
      `${result.cores} cores, loopback`,
    "",
    row("endpoint", (heading) => heading),
  ];
  const rows = [
    ["GET /v1/client (SQLite)", result.get_client],
    ["POST /v1/client/sessions/{id}/touch (SQLite)", result.touch],
    ["baseline: bare axum, GET", result.baseline?.get],
    ["baseline: bare axum, POST", result.baseline?.post],
    ["GET /v1/client (PostgreSQL, 1 instance)", result.postgres?.one?.get_client],
    ["POST …/touch (PostgreSQL, 1 instance)", result.postgres?.one?.touch],
    ["GET /v1/client (PostgreSQL, 2 instances)", result.postgres?.two?.get_client],
    ["POST …/touch (PostgreSQL, 2 instances)", result.postgres?.two?.touch],
  ];
  for (const [name, report] of rows) {
    if (report) lines.push(row(name, (_, value) => value(report)));
  }
  if (!result.postgres) lines.push("(PostgreSQL not measured: CLERK_TEST_POSTGRES_URL unset)");
  const s = result.sign_in;
  const spread = (t) => `median ${fmt(t.median_ms)} ms, min ${fmt(t.min_ms)} ms, max ${fmt(t.max_ms)} ms`;
  lines.push("", `password sign-in, attempt_first_factor (argon2id), ${s.runs} runs:`);
  lines.push(`  on loopback   ${spread(s)}`);
  if (s.server) lines.push(`  server's own  ${spread(s.server)} (Server-Timing)`);
  const g = result.get_client;
  const met = g.rps >= TARGET.rps && g.p99_ms !== null && g.p99_ms <= TARGET.p99_ms;
  lines.push("", `target for GET /v1/client (≥ ${TARGET.rps} req/s, p99 ≤ ${TARGET.p99_ms} ms): ` +
    (met ? "met" : "NOT met"));
  return lines.join("\n");
}

/**
 * Signs a fresh user up on `base`, then in `runs` times on fresh clients; returns the sign-in timings and the last
 * client (its token and session) with the sizes of its `GET /v1/client` and touch answers.
 */
async function prepareClient(base, runs) {
  const email = `bench-${randomBytes(4).toString("hex")}@example.com`;
  const signedUp = await fapi(base, "POST", "/v1/client/sign_ups",
    { form: { email_address: email, password: PASSWORD } });
  if (signedUp.body.response?.status !== "complete") {
    throw new Error(`sign-up did not complete: ${JSON.stringify(signedUp.body.response)}`);
  }
  const signIns = [];
  for (let i = 0; i < runs; i++) signIns.push(await signIn(base, email));
  const loopback = summary(signIns.map((s) => s.ms));
  const serverTimes = signIns.map((s) => s.serverMs).filter((x) => x !== null);
  const sign_in = { ...loopback, runs, ...(serverTimes.length === runs ? { server: summary(serverTimes) } : {}) };
  // The load client: the last signed-in client, with its one session.
  const { token, sessionId } = signIns[signIns.length - 1];
  const check = await fapi(base, "GET", "/v1/client", { token });
  if (check.body.response?.sessions?.length !== 1) {
    throw new Error(`GET /v1/client does not show the signed-in session: ${JSON.stringify(check.body.response)}`);
  }
  const touched = await fapi(base, "POST", `/v1/client/sessions/${sessionId}/touch`, { token });
  return { sign_in, token, sessionId, getBytes: check.bytes, touchBytes: touched.bytes };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log("usage: node bench/server.mjs [--json FILE] [--no-build]\n" +
      "env: BENCH_SECONDS (10), BENCH_CONNECTIONS (64), BENCH_WARMUP (1), BENCH_SIGN_INS (10), " +
      "BENCH_LOADGEN_THREADS (1), CLERK_TEST_POSTGRES_URL (a database to measure PostgreSQL on; unset: not measured)");
    return 0;
  }
  const seconds = envNumber("BENCH_SECONDS", 10, { integer: false, min: 0.1 });
  const connections = envNumber("BENCH_CONNECTIONS", 64);
  const warmup = envNumber("BENCH_WARMUP", 1, { integer: false, min: 0 });
  const runs = envNumber("BENCH_SIGN_INS", 10);
  const threads = envNumber("BENCH_LOADGEN_THREADS", 1);
  const postgresUrl = process.env.CLERK_TEST_POSTGRES_URL || null;
  if (args.build) build();

  const running = new Set();
  const start = async (starting) => {
    const p = await starting;
    running.add(p);
    return p;
  };
  // Server logs, kept when their process stops (its scratch folder goes with it).
  const logs = [];
  const stop = async (p) => {
    running.delete(p);
    logs.push(p.log());
    await p.stop();
  };
  const stopOnSignal = () => {
    Promise.all([...running].map((p) => p.stop())).finally(() => process.exit(130));
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  const measure = { seconds, connections, warmup, threads };
  // GET /v1/client and touch of `client` on `urls` (the connections spread over them), the servers being `pids`.
  const loads = async (urls, pids, client) => {
    const common = { ...measure, headers: [`Authorization: ${client.token}`], serverPids: pids };
    const spread = (path) => ({ url: new URL(path, urls[0]).href, alsoUrls: urls.slice(1).map((u) => new URL(path, u).href) });
    const get_client = await loadgen({ ...common, method: "GET", ...spread("/v1/client?_is_native=1") });
    const touch = await loadgen({ ...common, method: "POST",
      ...spread(`/v1/client/sessions/${client.sessionId}/touch?_is_native=1`) });
    return { get_client, touch };
  };
  try {
    // SQLite, one instance (the default configuration).
    const server = await start(startServer());
    const client = await prepareClient(server.url, runs);
    const sqlite = await loads([server.url], [server.pid], client);
    await stop(server);

    // The baseline, answering bodies of the sizes the server's answers had.
    const bare = await start(startBaseline(client.getBytes, client.touchBytes));
    const baseLoads = await loads([bare.url], [bare.pid], { token: "x", sessionId: "x" });
    const baseline = { get: baseLoads.get_client, post: baseLoads.touch, get_bytes: client.getBytes,
      post_bytes: client.touchBytes };
    await stop(bare);
    const ratios = (l) => ({ get_client: withRatio(l.get_client, baseline.get), touch: withRatio(l.touch, baseline.post) });

    // PostgreSQL: one instance, then two on the same database.
    let postgres = null;
    if (postgresUrl) {
      const first = await start(startServer(postgresUrl));
      const pgClient = await prepareClient(first.url, 1);
      const one = await loads([first.url], [first.pid], pgClient);
      const second = await start(startServer(postgresUrl));
      const two = await loads([first.url, second.url], [first.pid, second.pid], pgClient);
      await stop(second);
      await stop(first);
      postgres = { one: ratios(one), two: ratios(two) };
    }

    const result = { ...ratios(sqlite), sign_in: client.sign_in, baseline, postgres, connections, seconds,
      cores: cpus().length };
    console.log(table(result));
    if (args.json) writeFileSync(args.json, `${JSON.stringify({ server: result }, null, 2)}\n`);
    const reports = [sqlite.get_client, sqlite.touch, baseline.get, baseline.post,
      ...(postgres ? [postgres.one.get_client, postgres.one.touch, postgres.two.get_client, postgres.two.touch] : [])];
    const errors = reports.reduce((sum, r) => sum + r.errors, 0);
    if (errors > 0) {
      // The per-request INFO lines say nothing the status counts do not; show warnings and errors only.
      const problems = logs.flatMap((log) => log.split("\n")).filter((line) => /\b(WARN|ERROR)\b/.test(line))
        .slice(-20);
      console.error(`\n${errors} load requests failed (see the status counts above); ` + (problems.length
        ? `last warnings and errors in the server log:\n${problems.join("\n")}`
        : "no warnings or errors in the server log"));
      return 1;
    }
    return 0;
  } finally {
    await Promise.all([...running].map((p) => stop(p)));
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(`bench/server.mjs: ${err instanceof UsageError ? "" : "failed: "}${err.message}`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
