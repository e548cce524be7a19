#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently: a second run only checks and takes a few seconds.
# Only registries reachable from CI are used (crates.io, npm, Debian); nothing is downloaded from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION="0.15.1"
GECKODRIVER_VERSION="0.37.1"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
installed=()

# The wasm-bindgen CLI must match the wasm-bindgen crate exactly; Cargo.lock is the source of truth.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
  installed+=("rust target wasm32-unknown-unknown")
fi

if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  cargo install wasm-pack --version "=$WASM_PACK_VERSION" --locked --force
  installed+=("wasm-pack $WASM_PACK_VERSION")
fi

# Not --locked: the locked build of wasm-bindgen-cli needs a crate version missing from the registry.
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  cargo install wasm-bindgen-cli --version "=$bindgen_version" --force
  installed+=("wasm-bindgen-cli $bindgen_version")
fi

apt_missing=()
for pkg in chromium chromium-driver firefox-esr; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$pkg")
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then apt=(apt-get); else apt=(sudo apt-get); fi
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${apt_missing[@]}" >/dev/null
  installed+=("debian: ${apt_missing[*]}")
fi
if dpkg-query -W -f='${Status}' binaryen 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: warning: Debian's binaryen is installed; its wasm-opt breaks the module. npm's binaryen is used instead (first on PATH)." >&2
fi

if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 {print $2}')" != "$GECKODRIVER_VERSION" ]; then
  cargo install geckodriver --version "=$GECKODRIVER_VERSION" --locked --force
  installed+=("geckodriver $GECKODRIVER_VERSION")
fi

# npm dev dependencies (binaryen for wasm-opt, playwright-core): reinstall only when the lock file changed.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.setup-stamp ] || [ "$(cat node_modules/.setup-stamp)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.setup-stamp
  installed+=("npm dev dependencies")
fi

if [ ${#installed[@]} -eq 0 ]; then
  say "everything already installed"
else
  for i in "${installed[@]}"; do say "installed $i"; done
fi
export PATH="$PWD/node_modules/.bin:$PATH"
say "versions: $(rustc --version | cut -d' ' -f1-2), $(wasm-pack --version), wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'),"\
" wasm-opt $(wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | awk '{print $1, $2}'),"\
" chromedriver $(chromedriver --version | awk '{print $2}'), $(firefox-esr --version 2>/dev/null | awk '{print $2, $3}'),"\
" geckodriver $(geckodriver --version | awk 'NR == 1 {print $2}'), node $(node --version), npm $(npm --version)"
