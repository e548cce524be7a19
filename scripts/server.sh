#!/usr/bin/env bash
# Runs the reference server with the demo: http://127.0.0.1:8787, SQLite under .data/, demo users seeded.
# Extra arguments go to the server (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
exec cargo run --quiet --profile server -p clerk-wasm-server -- --dev --seed-demo "$@"
