#!/usr/bin/env bash
# The whole test suite, as CI runs it: toolchain setup (build and test tools), native tests (SDK core + server over
# real HTTP; the server's integration tests on SQLite and again on a throw-away PostgreSQL cluster with the
# multi-instance tests), then the SDK's browser tests in headless Chrome and Firefox against a real server on a free
# port with a throw-away database, then the end-to-end journeys (tests/e2e/) in Chromium and Firefox against the real
# server binary, and tests/e2e-postgres/ (two instances behind a round-robin proxy). The server is stopped on exit,
# also on failure. The last line sums every runner's results.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh   # the setup and build steps' lines count from the start of the suite

scratch=$(mktemp -d)   # throw-away server data, and every runner's output for the closing summary
log="$scratch/runners.log"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash scripts/setup-test.sh   # the build tools (scripts/setup.sh), then the browsers and drivers
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

echo "== tier 1: native tests (cargo test --workspace)"
cargo test --workspace 2>&1 | tee -a "$log"

echo "== tier 1, PostgreSQL: the server's integration tests again on a throw-away PostgreSQL cluster, and the"
echo "   multi-instance tests (three instances on one database; built only with the postgres-tests feature)"
bash scripts/with-postgres.sh cargo test -p clerk-wasm-server --features postgres-tests --test '*' 2>&1 | tee -a "$log"

echo "== tier 2: browser tests (wasm-pack test --headless --chrome --firefox) against the real server"
cargo build --quiet -p clerk-wasm-server
mkdir -p "$scratch/www" "$scratch/pkg"
target/debug/clerk-wasm-server \
  --addr 127.0.0.1:0 \
  --data-dir "$scratch/data" \
  --database-url "sqlite://$scratch/test.db" \
  --static-dir "$scratch/www" --pkg-dir "$scratch/pkg" \
  --dev --rate-limit-ip 100000 --rate-limit-client 100000 \
  >"$scratch/server.out" 2>"$scratch/server.log" &
server_pid=$!

url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^clerk-wasm-server listening on \(http:[^ ]*\)$/\1/p' "$scratch/server.out" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "server exited early:"; cat "$scratch/server.log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not report its address in 30 s:"; cat "$scratch/server.log"; exit 1; }
echo "test server: $url"

export CLERK_TEST_SERVER="$url"
# Tests that switch the instance's session mode or email verification (PATCH /v1/instance) need the backend key,
# which --dev prints on the line after the address.
for _ in $(seq 1 50); do grep -q '^secret key: ' "$scratch/server.out" && break; sleep 0.1; done
CLERK_TEST_SECRET_KEY=$(sed -n 's/^secret key: \(sk_[^ ]*\)$/\1/p' "$scratch/server.out" | head -n1)
export CLERK_TEST_SECRET_KEY
export WASM_BINDGEN_TEST_TIMEOUT=180
status=0
wasm-pack test --headless --chrome --firefox 2>&1 | tee -a "$log" || status=$?
if [ "$status" -ne 0 ]; then
  echo "browser tests failed; last server log lines:"
  tail -n 40 "$scratch/server.log"
  exit "$status"
fi

echo "== npm package: npm run build, npm pack into the Vite and React apps, vite build, tsc --noEmit"
bash scripts/build.sh
bash scripts/build-apps.sh

echo "== size budgets (bench/budget.json) on the build in pkg/"
node --test --test-reporter=tap tests/budget/ 2>&1 | tee -a "$log"

echo "== tier 3: end-to-end journeys (node --test tests/e2e/: Playwright + Chromium and Firefox against the real server)"
# pkg/ (with clerk.browser.js) and the apps were built just above, the server binary in tier 2. One test file at a
# time: each starts its own server and browser, and the journeys measure timings.
e2e_started=$(date +%s)
status=0
node --test --test-concurrency=1 --test-reporter=tap tests/e2e/ 2>&1 | tee -a "$log" "$scratch/e2e.log" || status=$?
# Each file's journeys are grouped per browser (a "chromium" and a "firefox" suite, see inEachBrowser): their time.
per_browser=$(awk '/^ *(not )?ok [0-9]+ - (chromium|firefox)$/ { name = $NF; want = 1; next }
  want && /duration_ms:/ { ms[name] += $2; want = 0 }
  END { for (n in ms) printf "%s%s %d s", (sep++ ? ", " : ""), n, ms[n] / 1000 }' "$scratch/e2e.log")
[ "$status" -eq 0 ] || exit "$status"
echo "== tier 3, PostgreSQL: journeys against two instances on one database behind a round-robin proxy"
bash scripts/with-postgres.sh node --test --test-concurrency=1 --test-reporter=tap tests/e2e-postgres/ 2>&1 \
  | tee -a "$log" || status=$?
echo "end-to-end tier: $(( $(date +%s) - e2e_started )) s (${per_browser})"
[ "$status" -eq 0 ] || exit "$status"

# cargo's "test result: … N passed; M failed" lines and node's TAP "# pass N" / "# fail N" closing lines.
awk '/^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^# pass [0-9]+$/ { p += $3 } /^# fail [0-9]+$/ { f += $3 }
     END { printf "all test tiers: %d passed, %d failed\n", p, f }' "$log"
