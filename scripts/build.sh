#!/usr/bin/env bash
# Builds the SDK into pkg/ (wasm-pack, release profile, wasm-opt -Oz from npm's binaryen), then minifies the JS.
# pkg/clerk.browser.js is the script-tag entry (window.Clerk); see src/browser/clerk.browser.js.
# When none of the build's inputs changed since the last build (pkg/.build-inputs), it only says so: wasm-opt alone
# takes tens of seconds, which would make every `npm start` slow.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Everything the files in pkg/ are made from: the crate, the shared wire crate and the npm package sources, the lock
# files (wasm-opt and esbuild come from package-lock.json), these build scripts, and the compiler and wasm-pack
# versions.
inputs=$( { find src wire npm -type f; echo Cargo.toml Cargo.lock package-lock.json LICENSE scripts/build.sh \
    scripts/lib/progress.sh scripts/minify-names.mjs scripts/precompress.mjs scripts/package.mjs bench/sizes.mjs \
    | tr ' ' '\n'; } | LC_ALL=C sort | xargs sha256sum | { cat; rustc --version; wasm-pack --version; } \
  | sha256sum | cut -d' ' -f1)
if [ -f pkg/clerk.browser.js ] && [ "$(cat pkg/.build-inputs 2>/dev/null)" = "$inputs" ]; then
  step "build: the SDK in pkg/ is up to date"
  exit 0
fi
rm -f pkg/.build-inputs

step "build: building the SDK into pkg/ (wasm-pack, release; the first build compiles every crate)"
wasm-pack build --release --target web --out-dir pkg
# Short import/export names in the wasm and the glue instead of wasm-bindgen's hashed ones (~3 KB brotli).
node scripts/minify-names.mjs pkg
# The script-tag build: a tiny classic-script loader next to the ES module it imports (window.Clerk from the
# data-clerk-* attributes of its <script> tag); it reuses clerk_wasm.js + clerk_wasm_bg.wasm, no second wasm build.
# Both are minified (esbuild, whitespace and local names only: property names and exports stay as they are), since
# the script-tag page downloads them as they are; wasm-bindgen's glue is 65 KB unminified
# (its doc comments stay in clerk_wasm.d.ts).
esbuild pkg/clerk_wasm.js --minify --format=esm --target=es2020 --legal-comments=none --log-level=warning \
  --allow-overwrite --outfile=pkg/clerk_wasm.js
esbuild src/browser/clerk.browser.js --minify --target=es2020 --legal-comments=none --log-level=warning \
  --outfile=pkg/clerk.browser.js
node scripts/precompress.mjs   # pkg/*.br and *.gz of the script-tag files, for the reference server
node scripts/package.mjs   # pkg/ as the npm package clerk-wasm (package.json, ESM entry, hand-written .d.ts)
echo "$inputs" > pkg/.build-inputs
step "build: the SDK is in pkg/"
