#!/usr/bin/env bash
# Installs what the tests need on top of the build tools (scripts/setup.sh, which it runs first), idempotently:
# a second run only checks and takes a few seconds. scripts/test.sh runs it; `npm start` does not need any of it.
# One section per need; Debian packages are collected into apt_packages and installed with a single apt-get call.
# Only registries reachable from CI are used (crates.io, npm, Debian); nothing is downloaded from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh

GECKODRIVER_VERSION="0.37.1"
export PATH="$HOME/.cargo/bin:$PATH"

installed=()
apt_packages=()

# geckodriver drives Firefox for wasm-pack test --firefox; Debian does not package it. It compiles in the background
# from the start, alongside the build tools (scripts/setup.sh) and while apt-get installs the browsers, and is waited
# for at the end.
trap stop_background_steps EXIT
if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 {print $2}')" != "$GECKODRIVER_VERSION" ]; then
  start_background_step geckodriver "setup-test: installing geckodriver $GECKODRIVER_VERSION, compiled by cargo" \
    cargo install geckodriver --version "=$GECKODRIVER_VERSION" --locked --force
  installed+=("geckodriver $GECKODRIVER_VERSION")
fi

bash scripts/setup.sh

# --- Browsers and their drivers: tier 2 (wasm-pack test --chrome --firefox) and tier 3 (Playwright e2e) ---
apt_packages+=(chromium chromium-driver firefox-esr)

# --- PostgreSQL: the server's tests against a throw-away PostgreSQL cluster ---
# scripts/with-postgres.sh starts one in a temporary directory with Debian's initdb and pg_ctl.
apt_packages+=(postgresql)

# --- OpenID provider: the test identity provider for sign-in with an external provider ---
# scripts/idp.mjs runs npm's oidc-provider (a dev dependency in package.json, installed by scripts/setup.sh's
# `npm ci`, because `npm start` runs it too as the demo identity provider) on the node that runs everything else.

apt_missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$pkg")
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then apt=(apt-get); else apt=(sudo apt-get); fi
  run_step "setup-test: updating the Debian package lists" "${apt[@]}" update -qq
  run_step "setup-test: installing Debian packages ${apt_missing[*]} (about 1-2 minutes)" \
    env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${apt_missing[@]}" >/dev/null
  installed+=("debian: ${apt_missing[*]}")
fi

wait_background_steps "setup-test: waiting for geckodriver to compile"
trap - EXIT

if [ ${#installed[@]} -eq 0 ]; then
  step "setup-test: test tools already installed"
else
  for i in "${installed[@]}"; do step "setup-test: installed $i"; done
fi
step "setup-test: versions: $(chromium --version 2>/dev/null | awk '{print $1, $2}'),"\
" chromedriver $(chromedriver --version | awk '{print $2}'), $(firefox-esr --version 2>/dev/null | awk '{print $2, $3}'),"\
" geckodriver $(geckodriver --version | awk 'NR == 1 {print $2}')"
