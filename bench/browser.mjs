// The browser part of the benchmark (issue 6): the script-tag demo page (www/index.html, served by the reference
// server at `/`) in Debian's Chromium through playwright-core, with the same harness as the end-to-end journeys.
//
//   node bench/browser.mjs [--json FILE] [--server-binary PATH] [--reloads 15] [--cold 10] [--switches 50]
//                          [--token-calls 1000] [--api-switches 1000] [--hold 300]
//
// Needs `npm run build` (pkg/) and a server build: target/server/clerk-wasm-server
// (`cargo build --profile server -p clerk-wasm-server`) if present, else target/debug/clerk-wasm-server.
//
// What is measured (every time in the page with `performance.now()`, whose origin is the navigation start):
// 1. First paint from cache — three demo accounts signed in, then reloads with every `/v1/` request held `--hold` ms:
//    navigation → the signed-in UserButton trigger ("Open user menu") laid out with a size, the wasm instantiation
//    (the call to `WebAssembly.instantiateStreaming`/`instantiate` → its result) → that trigger, and whether it came
//    before the first API response reached the page. Cold: a new browser context (no storage, empty HTTP cache),
//    same hold, navigation → the signed-out SignIn's "Sign in" button.
// 2. Switch — the UserButton's "Switch to <email>" clicked by Playwright: the click event → the trigger shows the
//    new account and an `addListener` callback saw it; plus the requests started and answered in that interval.
// 3. Tokens — cached `getToken()` per call (batches of sequential awaited calls); 100 concurrent `getToken()` right
//    after a reload (tokens are never stored, so the cache is cold) → number of `/tokens` requests.
// 4. Memory — JS heap (CDP `Runtime.getHeapUsage` after `HeapProfiler.collectGarbage`) and wasm linear memory
//    (`memory.buffer.byteLength` of the instance, captured by the probe) after a load with three accounts, after
//    1,000 `Clerk.setActive({ session })` switches, and after 1,000 more. Linear memory never shrinks, so its size is
//    the allocator's high-water mark; the second round tells a leak (it grows again) from a peak (it does not).
//
// API responses are held by a small proxy in front of the server rather than by `page.route`: Playwright's routing
// disables the HTTP cache and sends every request of the page through the driver, which would slow down exactly the
// script and wasm loads being measured.
import { parseArgs } from "node:util";
import http from "node:http";
import os from "node:os";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import {
  ROOT, CHROMIUM_ARGS, startServer, launchBrowser, openApp, openUserMenu, userButton, waitForActiveEmail, apiIdle,
  waitForClerk, sleep,
} from "../tests/e2e/harness.mjs";

const { values: opts } = parseArgs({
  options: {
    json: { type: "string" },
    "server-binary": { type: "string" },
    reloads: { type: "string", default: "15" },
    cold: { type: "string", default: "10" },
    switches: { type: "string", default: "50" },
    "token-calls": { type: "string", default: "1000" },
    "api-switches": { type: "string", default: "1000" },
    hold: { type: "string", default: "300" },
  },
});
const RELOADS = Number(opts.reloads);
const COLD_RUNS = Number(opts.cold);
const SWITCHES = Number(opts.switches);
const TOKEN_CALLS = Number(opts["token-calls"]);
const API_SWITCHES = Number(opts["api-switches"]);
const HOLD_MS = Number(opts.hold);
/** Sequential cached getToken() calls are timed in batches: performance.now() is coarsened to 0.1 ms here. */
const TOKEN_BATCH = 100;
/** Concurrent getToken() calls on a cold cache, and how many reloads repeat that. */
const CONCURRENT_TOKENS = 100;
const COLD_TOKEN_RUNS = 5;
/** One animation frame at 60 Hz. */
const FRAME_MS = 1000 / 60;
const DEMO_EMAILS = ["ada@example.com", "grace@example.com", "alan@example.com"];

function serverBinary() {
  if (opts["server-binary"]) return opts["server-binary"];
  const optimised = join(ROOT, "target/server/clerk-wasm-server");
  return existsSync(optimised) ? optimised : join(ROOT, "target/debug/clerk-wasm-server");
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics

/** `{ median, min, max, n, unit }` of `values` (numbers), rounded to `digits`. */
function stats(values, unit, digits = 2) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const round = (v) => (v === undefined ? null : Number(v.toFixed(digits)));
  const n = sorted.length;
  const median = n === 0 ? undefined : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted[n - 1]), n, unit };
}

// ---------------------------------------------------------------------------------------------------------------
// The proxy that holds API requests

/**
 * An HTTP proxy in front of `upstream` that holds every request whose path starts with `/v1/` for `holdMs` (set at
 * run time) before passing it on; everything else goes straight through. Resolves with `{ url, holdMs, close() }`.
 */
async function startHoldingProxy(upstream) {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const proxy = { holdMs: 0 };
  const server = http.createServer((req, res) => {
    const forward = () => {
      const upstreamRequest = http.request({
        host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent,
      }, (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode, upstreamResponse.statusMessage, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      });
      upstreamRequest.on("error", () => res.destroy());
      req.pipe(upstreamRequest);
    };
    const hold = req.url.startsWith("/v1/") ? proxy.holdMs : 0;
    if (hold > 0) setTimeout(forward, hold);
    else forward();
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  proxy.url = `http://127.0.0.1:${server.address().port}/`;
  proxy.close = () => new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
    agent.destroy();
  });
  return proxy;
}

// ---------------------------------------------------------------------------------------------------------------
// The in-page probe (an init script: it runs before the page's own scripts on every load)

function pageProbe() {
  const now = () => performance.now();
  // `record`: keep an entry per fetch (switched off while memory is measured, so the probe does not grow the heap).
  const probe = (window.__bench = { wasm: [], memory: null, trigger: null, signIn: null, fetches: [], record: true });

  // WebAssembly instantiation: when it was asked for and when it resolved; keep the instance's memory.
  for (const name of ["instantiateStreaming", "instantiate"]) {
    const original = WebAssembly[name];
    if (typeof original !== "function") continue;
    WebAssembly[name] = function (...args) {
      const entry = { how: name, start: now(), end: null };
      probe.wasm.push(entry);
      return original.apply(this, args).then((result) => {
        entry.end = now();
        const instance = result instanceof WebAssembly.Instance ? result : result.instance;
        // The build gives exports short names (scripts/minify-names.mjs): find the memory by its type.
        const memory = instance && Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory);
        if (memory instanceof WebAssembly.Memory) probe.memory = memory;
        return result;
      });
    };
  }

  // fetch: when each request was started and when its response (headers) reached the page.
  const originalFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, location.href);
    const method = (init && init.method) || (input && input.method) || "GET";
    const entry = { path: url.pathname, method, start: now(), end: null };
    if (probe.record) probe.fetches.push(entry);
    const answer = originalFetch.apply(this, arguments);
    answer.then(() => { entry.end = now(); }, () => { entry.end = now(); entry.failed = true; });
    return answer;
  };

  // The first time the signed-in trigger or the signed-out "Sign in" button is in the document with a size; then
  // the next animation frame (the one that paints it).
  const seen = (element) => element && element.isConnected && element.getClientRects().length > 0;
  const mark = (key, element) => {
    const entry = { at: now(), frame: null, text: element.textContent.trim() };
    probe[key] = entry;
    requestAnimationFrame(() => { entry.frame = now(); });
  };
  const observer = new MutationObserver(() => {
    if (!probe.trigger) {
      const trigger = document.querySelector('button[aria-label="Open user menu"]');
      if (seen(trigger)) mark("trigger", trigger);
    }
    if (!probe.signIn) {
      const card = document.querySelector('[aria-label="Sign in to the demo"]');
      const button = card && !card.hidden &&
        [...card.querySelectorAll("button")].find((b) => b.textContent.trim() === "Sign in");
      if (seen(button)) mark("signIn", button);
    }
    if (probe.trigger || probe.signIn) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });
}

/** Reads one load's marks from the page: navigation milestones, wasm, first paint, the first API response. */
function readLoadMarks(page) {
  return page.evaluate(() => {
    const probe = window.__bench;
    const wasm = probe.wasm.find((entry) => entry.end !== null) || null;
    const api = probe.fetches.filter((f) => f.path.startsWith("/v1/"));
    const answered = api.map((f) => f.end).filter((t) => t !== null);
    const nav = performance.getEntriesByType("navigation")[0];
    const resource = (suffix) => performance.getEntriesByType("resource").find((r) => r.name.endsWith(suffix));
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    const loader = resource("/clerk.browser.js");
    const glue = resource("/clerk_wasm.js");
    const binary = resource("/clerk_wasm_bg.wasm");
    return {
      domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
      loaderLoaded: loader ? loader.responseEnd : null,
      glueLoaded: glue ? glue.responseEnd : null,
      wasmFromHttpCache: binary ? binary.transferSize === 0 : null,
      firstContentfulPaint: fcp ? fcp.startTime : null,
      wasmStart: wasm && wasm.start,
      wasmEnd: wasm && wasm.end,
      wasmHow: wasm && wasm.how,
      trigger: probe.trigger,
      signIn: probe.signIn,
      apiRequests: api.length,
      firstApiResponse: answered.length ? Math.min(...answered) : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 1. First paint

/** Cold: a new context (no storage, empty HTTP cache) per run, API held; navigation → "Sign in" ready. */
async function benchCold(proxy) {
  const browser = await chromium.launch({ headless: true, executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const runs = [];
  try {
    for (let i = 0; i < COLD_RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      try {
        await context.addInitScript(pageProbe);
        const page = await context.newPage();
        proxy.holdMs = HOLD_MS;
        await page.goto(proxy.url, { waitUntil: "domcontentloaded" });
        await page.waitForFunction(() => window.__bench.signIn?.frame != null && window.Clerk?.status === "ready",
          null, { polling: 50, timeout: 15_000 });
        // The same control, found the way the journeys find it.
        await page.getByRole("region", { name: "Sign in to the demo" })
          .getByRole("button", { name: "Sign in", exact: true }).waitFor({ timeout: 1_000 });
        runs.push(await readLoadMarks(page));
      } finally {
        proxy.holdMs = 0;
        await context.close();
      }
    }
    return { version: browser.version(), runs };
  } finally {
    await browser.close();
  }
}

/** Warm: reloads of a page with three stored accounts, API held; navigation → trigger, and the first API answer. */
async function benchFirstPaint(page, proxy) {
  const runs = [];
  for (let i = 0; i <= RELOADS; i++) { // run 0 warms the HTTP cache and is not counted
    await apiIdle(page);
    proxy.holdMs = HOLD_MS;
    try {
      await page.reload({ waitUntil: "domcontentloaded" });
      await page.waitForFunction(() => window.__bench.trigger?.frame != null && window.Clerk?.status === "ready",
        null, { polling: 50, timeout: 15_000 });
      const marks = await readLoadMarks(page);
      if (!marks.trigger) throw new Error("no signed-in trigger after a reload");
      if (i > 0) runs.push(marks);
    } finally {
      proxy.holdMs = 0;
    }
  }
  await userButton(page).waitFor({ timeout: 1_000 }); // the trigger, as the journeys see it
  return runs;
}

/** Medians of the milestones of `runs` (ms since navigation start); `shown`: when the UI being waited for showed. */
function breakdown(runs, shown) {
  const median = (f) => stats(runs.map(f), "ms").median;
  return {
    unit: "ms since navigation start (medians)",
    loaderScriptLoaded: median((r) => r.loaderLoaded),
    domContentLoaded: median((r) => r.domContentLoaded),
    wasmGlueLoaded: median((r) => r.glueLoaded),
    wasmInstantiateStart: median((r) => r.wasmStart),
    wasmInstantiated: median((r) => r.wasmEnd),
    uiShown: median(shown),
    firstContentfulPaint: median((r) => r.firstContentfulPaint),
    firstApiResponse: median((r) => r.firstApiResponse),
  };
}

function summariseFirstPaint(warm, cold) {
  const at = (runs, f) => runs.map(f);
  const before = warm.filter((r) => r.firstApiResponse === null || r.trigger.at < r.firstApiResponse).length;
  const framesBefore = warm.filter((r) => r.firstApiResponse === null || r.trigger.frame < r.firstApiResponse).length;
  return {
    apiHoldMs: HOLD_MS,
    fromCache: {
      runs: warm.length,
      navigationToTriggerVisibleMs: stats(at(warm, (r) => r.trigger.at), "ms"),
      navigationToTriggerPaintFrameMs: stats(at(warm, (r) => r.trigger.frame), "ms"),
      wasmInstantiatedToTriggerVisibleMs: stats(at(warm, (r) => r.trigger.at - r.wasmEnd), "ms"),
      wasmInstantiateStartToTriggerVisibleMs: stats(at(warm, (r) => r.trigger.at - r.wasmStart), "ms"),
      wasmInstantiateMs: stats(at(warm, (r) => r.wasmEnd - r.wasmStart), "ms"),
      firstApiResponseMs: stats(at(warm, (r) => r.firstApiResponse), "ms"),
      visibleBeforeFirstApiResponse: before === warm.length,
      visibleBeforeFirstApiResponseRuns: `${before}/${warm.length}`,
      paintFrameBeforeFirstApiResponseRuns: `${framesBefore}/${warm.length}`,
      withinOneFrameOfWasmRuns: `${warm.filter((r) => r.trigger.at - r.wasmEnd <= FRAME_MS).length}/${warm.length}`,
      breakdownMs: breakdown(warm, (r) => r.trigger.at),
      wasmFromHttpCacheRuns: `${warm.filter((r) => r.wasmFromHttpCache).length}/${warm.length}`,
      wasmInstantiateApi: [...new Set(warm.map((r) => r.wasmHow))].join(", "),
    },
    cold: {
      runs: cold.length,
      navigationToSignInReadyMs: stats(at(cold, (r) => r.signIn.at), "ms"),
      navigationToSignInPaintFrameMs: stats(at(cold, (r) => r.signIn.frame), "ms"),
      wasmInstantiateMs: stats(at(cold, (r) => r.wasmEnd - r.wasmStart), "ms"),
      wasmInstantiatedToSignInReadyMs: stats(at(cold, (r) => r.signIn.at - r.wasmEnd), "ms"),
      firstApiResponseMs: stats(at(cold, (r) => r.firstApiResponse), "ms"),
      breakdownMs: breakdown(cold, (r) => r.signIn.at),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Switch through the UserButton

/** Installs the switch probe: a capture click listener, an addListener callback and a MutationObserver. */
function installSwitchProbe(page) {
  return page.evaluate(() => {
    const now = () => performance.now();
    const probe = { pending: null };
    const trigger = () => document.querySelector('button[aria-label="Open user menu"]');
    const check = () => {
      const p = probe.pending;
      if (!p || p.done !== null || p.click === null || p.listener === null) return;
      const t = trigger();
      if (!t || !t.textContent.includes(p.label)) return;
      p.done = now();
      requestAnimationFrame(() => { p.frame = now(); });
    };
    window.addEventListener("click", (event) => {
      const p = probe.pending;
      const button = event.target instanceof Element && event.target.closest('[aria-label^="Switch to "]');
      if (p && p.click === null && button) {
        p.click = now();
        p.clickEvent = event.timeStamp;
        p.fetchesBefore = window.__bench.fetches.length;
      }
    }, true);
    window.Clerk.addListener(({ session }) => {
      const p = probe.pending;
      if (p && p.click !== null && p.listener === null && session && session.id === p.id) {
        p.listener = now();
        check();
      }
    });
    new MutationObserver(check).observe(document.getElementById("user-button"),
      { childList: true, subtree: true, characterData: true });
    probe.arm = (id, label) => {
      probe.pending = { id, label, click: null, clickEvent: null, listener: null, done: null, frame: null };
    };
    /** The finished switch, with the page's requests started around it (a short while after it, too). */
    probe.take = () => {
      const p = probe.pending;
      probe.pending = null;
      const fetches = window.__bench.fetches.slice(p.fetchesBefore);
      const during = fetches.filter((f) => f.start <= p.done);
      return {
        fromClickEventMs: p.done - p.clickEvent,
        fromClickHandlerMs: p.done - p.click,
        toPaintFrameMs: p.frame - p.clickEvent,
        listenerAfterClickMs: p.listener - p.clickEvent,
        startedBeforeDone: during.map((f) => `${f.method} ${f.path}`),
        answeredBeforeDone: during.filter((f) => f.end !== null && f.end <= p.done).length,
        startedAfterDone: fetches.filter((f) => f.start > p.done).map((f) => `${f.method} ${f.path}`),
      };
    };
    window.__switchProbe = probe;
  });
}

async function benchSwitch(page) {
  await installSwitchProbe(page);
  const accounts = await page.evaluate(() => window.Clerk.client.sessions.map((s) => ({
    id: s.id,
    email: s.user.primaryEmailAddress.emailAddress,
    label: s.user.fullName || s.user.primaryEmailAddress.emailAddress,
  })));
  const runs = [];
  const active = await page.evaluate(() => window.Clerk.session.id);
  const others = accounts.filter((a) => a.id !== active);
  const order = [...others, accounts.find((a) => a.id === active)]; // a cycle through all three
  for (let i = 0; i < SWITCHES; i++) {
    const target = order[i % order.length];
    const panel = await openUserMenu(page);
    await page.evaluate(({ id, label }) => window.__switchProbe.arm(id, label), target);
    await panel.getByRole("button", { name: `Switch to ${target.email}` }).click();
    await page.waitForFunction(() => window.__switchProbe.pending?.frame != null, null, { polling: 10, timeout: 5_000 });
    runs.push(await page.evaluate(() => window.__switchProbe.take()));
    await waitForActiveEmail(page, target.email);
    await apiIdle(page); // the background touch, so it never overlaps the next switch
  }
  const count = (list) => list.reduce((n, r) => n + r.length, 0);
  const kinds = (list) => [...new Set(list.flat().map((r) => r.replace(/sess_[^/]+/, ":id")))];
  return {
    runs: runs.length,
    clickToSwitchedMs: stats(runs.map((r) => r.fromClickEventMs), "ms"),
    clickHandlerToSwitchedMs: stats(runs.map((r) => r.fromClickHandlerMs), "ms"),
    clickToListenerMs: stats(runs.map((r) => r.listenerAfterClickMs), "ms"),
    clickToNextFrameMs: stats(runs.map((r) => r.toPaintFrameMs), "ms"),
    withinTargetRuns: `${runs.filter((r) => r.fromClickEventMs <= 16).length}/${runs.length}`,
    requestsStartedBeforeSwitched: count(runs.map((r) => r.startedBeforeDone)),
    requestsAnsweredBeforeSwitched: runs.reduce((n, r) => n + r.answeredBeforeDone, 0),
    requestsAwaited: runs.reduce((n, r) => n + r.answeredBeforeDone, 0),
    backgroundRequestsAfterSwitched: count(runs.map((r) => r.startedAfterDone)),
    backgroundRequestKinds: kinds(runs.map((r) => r.startedAfterDone)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Tokens

async function benchTokens(page, context) {
  const cached = await page.evaluate(async ({ calls, batch }) => {
    const session = window.Clerk.session;
    const first = await session.getToken(); // warm the cache
    const tokenRequests = () => window.__bench.fetches.filter((f) => f.path.endsWith("/tokens")).length;
    const requestsBefore = tokenRequests();
    const perCall = { held: [], getter: [] };
    for (let done = 0; done < calls; done += batch) {
      let t = performance.now();
      for (let k = 0; k < batch; k++) await session.getToken();
      perCall.held.push((performance.now() - t) / batch);
      t = performance.now();
      for (let k = 0; k < batch; k++) await window.Clerk.session.getToken();
      perCall.getter.push((performance.now() - t) / batch);
    }
    const same = (await window.Clerk.session.getToken()) === first;
    return { perCall, same, tokenRequests: tokenRequests() - requestsBefore };
  }, { calls: TOKEN_CALLS, batch: TOKEN_BATCH });

  // Cold: tokens live only in memory, so right after a reload no token is cached.
  const cold = [];
  for (let i = 0; i < COLD_TOKEN_RUNS; i++) {
    await apiIdle(page);
    await page.reload({ waitUntil: "domcontentloaded" });
    await waitForClerk(page);
    const seen = [];
    const onRequest = (request) => {
      if (new URL(request.url()).pathname.endsWith("/tokens")) seen.push(request.method());
    };
    context.on("request", onRequest);
    const answer = await page.evaluate(async (n) => {
      const t = performance.now();
      const before = window.__bench.fetches.filter((f) => f.path.endsWith("/tokens")).length;
      const tokens = await Promise.all(Array.from({ length: n }, () => window.Clerk.session.getToken()));
      return {
        ms: performance.now() - t,
        distinct: new Set(tokens).size,
        nulls: tokens.filter((token) => !token).length,
        tokenRequestsBefore: before,
        tokenRequestsInPage: window.__bench.fetches.filter((f) => f.path.endsWith("/tokens")).length - before,
      };
    }, CONCURRENT_TOKENS);
    await apiIdle(page);
    context.off("request", onRequest);
    cold.push({ ...answer, tokenRequests: seen.length });
  }
  return {
    cachedPerCallMs: stats(cached.perCall.held, "ms", 4),
    cachedPerCallViaClerkSessionGetterMs: stats(cached.perCall.getter, "ms", 4),
    cachedCalls: { calls: 2 * Math.ceil(TOKEN_CALLS / TOKEN_BATCH) * TOKEN_BATCH, batch: TOKEN_BATCH,
      sameTokenThroughout: cached.same, tokenRequestsDuringCachedCalls: cached.tokenRequests },
    concurrentColdCalls: CONCURRENT_TOKENS,
    concurrentColdRuns: cold.length,
    concurrentColdTokenRequests: cold.map((r) => r.tokenRequests),
    concurrentColdTokenRequestsMax: Math.max(...cold.map((r) => r.tokenRequests)),
    concurrentColdCacheWasCold: cold.every((r) => r.tokenRequestsBefore === 0 && r.tokenRequestsInPage >= 1),
    concurrentColdDistinctTokens: cold.map((r) => r.distinct),
    concurrentColdNullTokens: cold.reduce((n, r) => n + r.nulls, 0),
    concurrentColdAllResolvedMs: stats(cold.map((r) => r.ms), "ms"),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Memory

/** Sizes after a full garbage collection; the pause between the two collections lets finalizers run. */
async function measureMemory(page, cdp) {
  await page.evaluate(() => performance.clearResourceTimings()); // the browser's buffer, not the page's memory
  await cdp.send("HeapProfiler.collectGarbage");
  await sleep(200);
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  const wasmBytes = await page.evaluate(() => window.__bench.memory?.buffer.byteLength ?? null);
  return { jsHeapUsedBytes: heap.usedSize, jsHeapTotalBytes: heap.totalSize, wasmMemoryBytes: wasmBytes };
}

async function benchMemory(page, context) {
  await apiIdle(page);
  await page.reload({ waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => window.Clerk?.status === "ready", null, { timeout: 15_000 });
  await apiIdle(page);
  await page.evaluate(() => { window.__bench.record = false; window.__bench.fetches = []; });
  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.enable");
  const before = await measureMemory(page, cdp);
  let touches = 0;
  const onRequest = (request) => { if (request.url().includes("/touch")) touches++; };
  context.on("request", onRequest);
  /** `API_SWITCHES` awaited `setActive` calls cycling through the accounts; then the touches they sent finish. */
  const switches = async () => {
    const times = await page.evaluate(async (n) => {
      const ids = window.Clerk.client.sessions.map((s) => s.id);
      const out = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await window.Clerk.setActive({ session: ids[i % ids.length] });
        out.push(performance.now() - t);
      }
      return out;
    }, API_SWITCHES);
    await apiIdle(page, 120_000);
    return times;
  };
  const perSwitch = await switches();
  const touchesFirstRound = touches;
  const after = await measureMemory(page, cdp);
  // A second round tells a leak (grows again) from a high-water mark (linear memory never shrinks).
  await switches();
  const afterSecond = await measureMemory(page, cdp);
  context.off("request", onRequest);
  await cdp.detach();
  const diff = (a, b) => Object.fromEntries(Object.keys(a).map((key) => [key, b[key] - a[key]]));
  return {
    unit: "bytes",
    apiSwitches: API_SWITCHES,
    afterLoadWithThreeAccounts: before,
    afterApiSwitches: after,
    growth: diff(before, after),
    afterSecondRoundOfApiSwitches: afterSecond,
    growthInSecondRound: diff(after, afterSecond),
    setActivePerCallMs: stats(perSwitch, "ms", 3),
    touchRequestsDuringApiSwitches: touchesFirstRound,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Table

function printTable(result, meta) {
  const rows = [];
  const fmt = (v) => (v === null || v === undefined ? "–" : typeof v === "number" ? String(v) : String(v));
  const figure = (section, name, s, target = "") =>
    rows.push([section, name, fmt(s.median), fmt(s.min), fmt(s.max), s.unit, target]);
  const fact = (section, name, value, unit = "", target = "") => rows.push([section, name, fmt(value), "", "", unit, target]);
  const fp = result.firstPaint.fromCache;
  const cold = result.firstPaint.cold;
  figure("first paint (cache)", "navigation → trigger visible", fp.navigationToTriggerVisibleMs);
  figure("first paint (cache)", "navigation → trigger's paint frame", fp.navigationToTriggerPaintFrameMs);
  figure("first paint (cache)", "wasm instantiated → trigger visible", fp.wasmInstantiatedToTriggerVisibleMs, "≤ 16.7");
  figure("first paint (cache)", "wasm instantiate start → trigger visible", fp.wasmInstantiateStartToTriggerVisibleMs);
  figure("first paint (cache)", "wasm instantiate", fp.wasmInstantiateMs);
  figure("first paint (cache)", `first API response (held ${HOLD_MS} ms)`, fp.firstApiResponseMs);
  fact("first paint (cache)", "trigger visible before first API response", `${fp.visibleBeforeFirstApiResponse} (${fp.visibleBeforeFirstApiResponseRuns})`, "runs", "true");
  fact("first paint (cache)", "trigger ≤ 1 frame after wasm instantiated", fp.withinOneFrameOfWasmRuns, "runs");
  figure("first paint (cold)", "navigation → \"Sign in\" ready", cold.navigationToSignInReadyMs);
  figure("first paint (cold)", "wasm instantiate (empty HTTP cache)", cold.wasmInstantiateMs);
  figure("first paint (cold)", "wasm instantiated → \"Sign in\" ready", cold.wasmInstantiatedToSignInReadyMs);
  figure("first paint (cold)", `first API response (held ${HOLD_MS} ms)`, cold.firstApiResponseMs);
  const sw = result.switch;
  figure("switch (UserButton)", "click event → trigger + listener", sw.clickToSwitchedMs, "≤ 16");
  figure("switch (UserButton)", "click handler start → trigger + listener", sw.clickHandlerToSwitchedMs);
  figure("switch (UserButton)", "click event → next animation frame", sw.clickToNextFrameMs);
  fact("switch (UserButton)", "requests awaited on the switch path", sw.requestsAwaited, `over ${sw.runs} switches`, "0");
  fact("switch (UserButton)", "requests started before switched", sw.requestsStartedBeforeSwitched, `over ${sw.runs} switches`);
  fact("switch (UserButton)", "background requests after switched", `${sw.backgroundRequestsAfterSwitched} (${sw.backgroundRequestKinds.join(", ")})`, `over ${sw.runs} switches`);
  const tk = result.tokens;
  figure("tokens", "cached session.getToken() per call", tk.cachedPerCallMs, "≤ 0.1");
  figure("tokens", "cached Clerk.session.getToken() per call", tk.cachedPerCallViaClerkSessionGetterMs);
  fact("tokens", `${tk.concurrentColdCalls} concurrent getToken(), cold cache`, tk.concurrentColdTokenRequests.join(", "), `/tokens requests per run`, "1");
  figure("tokens", `${tk.concurrentColdCalls} concurrent getToken(), all resolved`, tk.concurrentColdAllResolvedMs);
  const mem = result.memory;
  const kib = (b) => (b === null ? "–" : (b / 1024).toFixed(1));
  for (const [key, name] of [["jsHeapUsedBytes", "JS heap used"], ["wasmMemoryBytes", "wasm linear memory"]]) {
    rows.push(["memory", `${name}: load (3 accounts) → after ${mem.apiSwitches} switches`,
      `${kib(mem.afterLoadWithThreeAccounts[key])} → ${kib(mem.afterApiSwitches[key])}`, "", "",
      `KiB (growth ${kib(mem.growth[key])} KiB)`, ""]);
    rows.push(["memory", `${name}: after ${mem.apiSwitches} more switches`, kib(mem.afterSecondRoundOfApiSwitches[key]),
      "", "", `KiB (growth ${kib(mem.growthInSecondRound[key])} KiB)`, ""]);
  }
  figure("memory", "Clerk.setActive({ session }) per call", mem.setActivePerCallMs);
  fact("memory", "touch requests during the API switches", mem.touchRequestsDuringApiSwitches, "requests");

  const header = ["part", "figure", "median", "min", "max", "unit", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join("  ").trimEnd();
  console.log(`\nbrowser benchmark — Chromium ${meta.chromium}, server ${meta.serverBuild}, load average ${meta.loadAverage.join(" ")}`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const binary = serverBinary();
  const server = await startServer({ binary });
  const proxy = await startHoldingProxy(server.url);
  const result = {};
  const meta = { loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))), cpus: os.cpus().length,
    serverBuild: binary.includes("/target/server/") ? "server profile" : binary.includes("/target/debug/") ? "debug" : binary };
  let browser;
  try {
    process.stderr.write("cold loads…\n");
    const cold = await benchCold(proxy);
    meta.chromium = cold.version;

    browser = await launchBrowser("chromium");
    const { page, context } = browser;
    await context.addInitScript(pageProbe);
    await openApp(page, proxy.url);
    for (const email of DEMO_EMAILS) { // the page's own "Sign in as …" buttons (the custom flow)
      await page.getByRole("button", { name: `Sign in as ${email}` }).click();
      await waitForActiveEmail(page, email);
      await apiIdle(page);
    }
    process.stderr.write("reloads from cache…\n");
    result.firstPaint = summariseFirstPaint(await benchFirstPaint(page, proxy), cold.runs);
    process.stderr.write("switches…\n");
    result.switch = await benchSwitch(page);
    process.stderr.write("tokens…\n");
    result.tokens = await benchTokens(page, context);
    process.stderr.write("memory…\n");
    result.memory = await benchMemory(page, context);
    browser.assertNoProblems();
  } finally {
    await browser?.close();
    await proxy.close();
    await server.stop();
  }
  meta.totalSeconds = Number(((Date.now() - started) / 1000).toFixed(1));
  result.environment = { chromium: meta.chromium, server: meta.serverBuild, cpus: meta.cpus,
    loadAverageAtStart: meta.loadAverage, totalSeconds: meta.totalSeconds, unit: "load average: runnable tasks" };
  printTable(result, meta);
  console.log(`\n(${meta.totalSeconds} s in all)`);
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ browser: result }, null, 2) + "\n");
    console.log(`wrote ${opts.json}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
