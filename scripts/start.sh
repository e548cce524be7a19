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

mkdir -p target
server_log=target/start-server-build.log
step "start: building the server in the background (cargo build -p clerk-wasm-server; log: $server_log)"
# In its own process group (setsid) where there is one, so that stopping this script stops cargo and its rustc
# processes too.
if command -v setsid >/dev/null 2>&1; then
  setsid -w cargo build -p clerk-wasm-server >"$server_log" 2>&1 &
  server_build=$!
  server_build_target="-$server_build"
else
  cargo build -p clerk-wasm-server >"$server_log" 2>&1 &
  server_build=$!
  server_build_target="$server_build"
fi
stop_server_build() { kill -TERM -- "$server_build_target" 2>/dev/null || true; }
trap stop_server_build EXIT
trap 'exit 130' INT TERM

bash scripts/setup.sh
bash scripts/build.sh
bash scripts/build-apps.sh apps/react   # into www/react/, served at /react/

# Waits for the server build, with a line every 20 s so that a long first build does not look stuck.
if kill -0 "$server_build" 2>/dev/null; then step "start: waiting for the server build"; fi
while kill -0 "$server_build" 2>/dev/null; do
  for _ in $(seq 1 20); do kill -0 "$server_build" 2>/dev/null && sleep 1; done
  if kill -0 "$server_build" 2>/dev/null; then
    step "start:   still building the server: $(grep -c '^ *Compiling ' "$server_log" || true) crates compiled," \
      "now $(grep '^ *Compiling ' "$server_log" | tail -n 1 | awk '{print $2}')"
  fi
done
trap - EXIT INT TERM
if ! wait "$server_build"; then
  echo "start: the server build failed:" >&2
  tail -n 40 "$server_log" >&2
  exit 1
fi
step "start: the server is built; starting it (it prints its address: the demo at /, the React demo at /react/)"
exec bash scripts/server.sh "$@"
