/*
 * clerk.browser.js — the script-tag build of clerk-wasm (copied into pkg/ by scripts/build.sh).
 *
 *   <script src="/pkg/clerk.browser.js" data-clerk-publishable-key="pk_test_…"></script>
 *   (or data-clerk-frontend-api="http://127.0.0.1:8787"; a path such as "/" means this page's own origin)
 *   …
 *   await window.Clerk.load();
 *
 * WebAssembly starts asynchronously, but `window.Clerk` must exist as soon as this classic script has run. So
 * `window.Clerk` is first a Proxy: its `load()` imports the wasm-pack ES module next to this file
 * (clerk_wasm.js, which fetches clerk_wasm_bg.wasm next to itself), creates the instance from the data attributes
 * and loads it. From then on the Proxy forwards everything to that instance, and `window.Clerk` is replaced by the
 * instance itself — so `const c = window.Clerk; await c.load(); c.session` and `window.Clerk.session` both work.
 * Before `load()` has resolved, `loaded` is false, `status` is "loading", other properties are undefined and
 * methods throw. Works with `defer`/`async`; a second inclusion of the script does nothing.
 */
(function () {
  "use strict";
  var MARK = typeof Symbol === "function" ? Symbol.for("clerk-wasm.browser") : "__clerkWasmBrowser";
  if (window[MARK]) return; // included twice: the first inclusion owns window.Clerk
  Object.defineProperty(window, MARK, { value: true });

  var script = document.currentScript || document.querySelector('script[src*="clerk.browser.js"]');
  var base = script ? script.src : location.href;
  var attr = function (name) { return script ? script.getAttribute(name) : null; };
  var api = attr("data-clerk-frontend-api");
  if (api && /^[./]/.test(api)) api = new URL(api, location.href).origin; // "/": the API serves this page too
  var key = attr("data-clerk-publishable-key") || api || "";

  var instance = null; // the real Clerk once created
  var failed = false; // the module or the constructor failed
  var starting = null; // Promise of `instance`
  var bound = new Map(); // methods bound to the instance, so `Clerk.addListener === Clerk.addListener`

  function start() {
    if (!starting) {
      starting = import(new URL("clerk_wasm.js", base).href)
        .then(function (wasm) {
          return wasm.default().then(function () {
            instance = new wasm.Clerk(key); // throws a Clerk error for a missing or invalid key
            return instance;
          });
        })
        .catch(function (error) {
          failed = true;
          throw error;
        });
    }
    return starting;
  }

  function load(options) {
    return start().then(function (clerk) {
      if (window.Clerk === proxy) window.Clerk = clerk;
      return clerk.load(options);
    });
  }

  var proxy = new Proxy({}, {
    get: function (target, prop) {
      if (prop === "load") return load;
      if (instance) {
        var value = Reflect.get(instance, prop, instance);
        if (typeof value !== "function") return value;
        if (!bound.has(prop)) bound.set(prop, value.bind(instance));
        return bound.get(prop);
      }
      if (prop === "loaded") return false;
      if (prop === "status") return failed ? "error" : "loading";
      if (prop === "then" || typeof prop === "symbol") return undefined; // not a thenable; no coercions
      if (METHODS.indexOf(prop) >= 0) {
        return function () {
          throw new Error("clerk-wasm: `window.Clerk." + prop + "` needs `await window.Clerk.load()` first");
        };
      }
      return Reflect.get(target, prop);
    },
    set: function (target, prop, value) {
      return Reflect.set(instance || target, prop, value);
    },
    has: function (target, prop) {
      return prop === "load" || Reflect.has(instance || target, prop);
    },
    getPrototypeOf: function (target) {
      return Object.getPrototypeOf(instance || target);
    },
  });

  var METHODS = ["setSession", "setActive", "signOutOne", "signOut", "addListener", "mountUserButton",
    "unmountUserButton", "mountSignIn", "unmountSignIn", "mountSignUp", "unmountSignUp", "openSignIn",
    "closeSignIn", "openSignUp", "closeSignUp"];

  window.Clerk = proxy;
})();
