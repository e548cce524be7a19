#!/usr/bin/env bash
# Runs the reference server with the demo: http://127.0.0.1:8787, SQLite under .data/, demo users seeded.
# Extra arguments go to the server (see `--help`).
# The debug build (with the crypto crates optimised, see Cargo.toml): from scratch it compiles in about half the CPU
# time of the optimised `server` profile (measured 170 s against 327 s), it is the build the tests use, so `npm test`
# after `npm start` does not compile the server again, and the demo answers as quickly (a sign-in ~25 ms in both);
# only on-the-fly compression of large files is slower (the React demo's 200 KB script: 70 ms against 7 ms).
# The benchmarks build the `server` profile.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
exec cargo run --quiet -p clerk-wasm-server -- --dev --seed-demo "$@"
