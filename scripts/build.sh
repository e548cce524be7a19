#!/usr/bin/env bash
# Builds the SDK into pkg/ (wasm-pack, release profile, wasm-opt -Oz from npm's binaryen).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wasm-pack build --release --target web --out-dir pkg
