#!/usr/bin/env bash
# Installs what the build and the demo server need, idempotently: the wasm target, wasm-pack, the wasm-bindgen CLI
# matching Cargo.lock, and the npm dev dependencies. A second run only checks and takes a few seconds.
# What only the tests need (browsers, drivers, …) is in scripts/setup-test.sh, which scripts/test.sh runs.
# Only registries reachable from CI are used (crates.io, npm, Debian); nothing is downloaded from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh

WASM_PACK_VERSION="0.15.1"
export PATH="$HOME/.cargo/bin:$PATH"

installed=()

# The wasm-bindgen CLI must match the wasm-bindgen crate exactly; Cargo.lock is the source of truth.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  run_step "setup: adding the Rust target wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
  installed+=("rust target wasm32-unknown-unknown")
fi

# wasm-pack and the wasm-bindgen CLI compile side by side (see start_background_step in scripts/lib/progress.sh)
# while npm installs the JS tools; both are waited for below.
trap stop_background_steps EXIT
if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  start_background_step wasm-pack "setup: installing wasm-pack $WASM_PACK_VERSION, compiled by cargo" \
    cargo install wasm-pack --version "=$WASM_PACK_VERSION" --locked --force
  installed+=("wasm-pack $WASM_PACK_VERSION")
fi

# Not --locked: the locked build of wasm-bindgen-cli needs a crate version missing from the registry.
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  start_background_step wasm-bindgen-cli "setup: installing wasm-bindgen-cli $bindgen_version, compiled by cargo" \
    cargo install wasm-bindgen-cli --version "=$bindgen_version" --force
  installed+=("wasm-bindgen-cli $bindgen_version")
fi

if dpkg-query -W -f='${Status}' binaryen 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: warning: Debian's binaryen is installed; its wasm-opt breaks the module. npm's binaryen is used instead (first on PATH)." >&2
fi

# npm dev dependencies (binaryen for wasm-opt, esbuild, playwright-core): reinstall only when the lock file changed.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.setup-stamp ] || [ "$(cat node_modules/.setup-stamp)" != "$lock_sum" ]; then
  run_step "setup: installing the npm dev dependencies (npm ci)" npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.setup-stamp
  installed+=("npm dev dependencies")
fi

# Measured on 2 cores: 103 s for wasm-pack and 203 s for the CLI one after the other; 343 s and 376 s side by side
# with geckodriver (scripts/setup-test.sh), which are 481 s of compiling one after the other.
wait_background_steps "setup: waiting for the Rust tools to compile (about 5-6 minutes on 2 cores)"
trap - EXIT

if [ ${#installed[@]} -eq 0 ]; then
  step "setup: build tools already installed"
else
  for i in "${installed[@]}"; do step "setup: installed $i"; done
fi
export PATH="$PWD/node_modules/.bin:$PATH"
step "setup: versions: $(rustc --version | cut -d' ' -f1-2), $(wasm-pack --version), wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'),"\
" wasm-opt $(wasm-opt --version | awk '{print $3}'), node $(node --version), npm $(npm --version)"
