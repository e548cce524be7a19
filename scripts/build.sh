#!/usr/bin/env bash
# Builds the SDK into pkg/ (wasm-pack, release profile, wasm-opt -Oz from npm's binaryen), then minifies the JS.
# pkg/clerk.browser.js is the script-tag entry (window.Clerk); see src/browser/clerk.browser.js.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wasm-pack build --release --target web --out-dir pkg
# The pages download the JS glue as is: minify it in place (its doc comments are also in clerk_wasm.d.ts). Exported
# names (the classes, `initSync`, the default `init`) are kept by esbuild; only local names shrink.
esbuild pkg/clerk_wasm.js --minify --allow-overwrite --outfile=pkg/clerk_wasm.js --log-level=warning
# The script-tag build: a tiny classic-script loader next to the ES module it imports (window.Clerk from the
# data-clerk-* attributes of its <script> tag); it reuses clerk_wasm.js + clerk_wasm_bg.wasm, no second wasm build.
# Minified too: the source keeps its explanatory comments.
esbuild src/browser/clerk.browser.js --minify --outfile=pkg/clerk.browser.js --log-level=warning
node scripts/package.mjs   # pkg/ as the npm package clerk-wasm (package.json, ESM entry, hand-written .d.ts)
