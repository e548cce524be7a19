#!/usr/bin/env bash
# `npm start`: installs the build tools when missing (scripts/setup.sh), builds the server, the SDK and the React
# demo, then serves the demo at http://127.0.0.1:8787 (scripts/server.sh). Every step prints a line with the time
# elapsed, so a first run, which compiles everything, shows what it is doing; later runs find everything built.
# Extra arguments go to the server (`npm start -- --addr 127.0.0.1:3000`; see `clerk-wasm-server --help`).
# The server build needs neither the build tools nor the SDK, so it starts first, in the background, and compiles
# while the tools install and the SDK builds (on 2 cores the two builds share the machine; the SDK's link-time
# optimisation runs on one core for a long stretch, which the server build fills).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh
export PATH="$HOME/.cargo/bin:$PATH"

step "start: building the server, the SDK and the React demo (a first run installs and compiles everything:" \
  "about 10 minutes on 2 cores; later runs take seconds)"

trap stop_background_steps EXIT
trap 'exit 130' INT TERM
start_background_step server-build "start: building the server (cargo build -p clerk-wasm-server)" \
  cargo build -p clerk-wasm-server

bash scripts/setup.sh
bash scripts/build.sh
bash scripts/build-apps.sh apps/react   # into www/react/, served at /react/

wait_background_steps "start: waiting for the server build"
trap - EXIT INT TERM
step "start: the server is built; starting it (it prints its address: the demo at /, the React demo at /react/)"
exec bash scripts/server.sh "$@"
