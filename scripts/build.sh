#!/usr/bin/env bash
# Builds the SDK into pkg/ (wasm-pack, release profile, wasm-opt -Oz from npm's binaryen).
# pkg/clerk.browser.js is the script-tag entry (window.Clerk); see src/browser/clerk.browser.js.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wasm-pack build --release --target web --out-dir pkg
# The script-tag build: a tiny classic-script loader next to the ES module it imports (window.Clerk from the
# data-clerk-* attributes of its <script> tag); it reuses clerk_wasm.js + clerk_wasm_bg.wasm, no second wasm build.
cp src/browser/clerk.browser.js pkg/clerk.browser.js
node scripts/package.mjs   # pkg/ as the npm package clerk-wasm (package.json, ESM entry, hand-written .d.ts)
