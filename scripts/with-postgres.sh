#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL cluster: initdb in a fresh temporary directory (as the `postgres`
# user when run as root, since PostgreSQL refuses to run as root), pg_ctl start on a free 127.0.0.1 port with
# fsync=off, and CLERK_TEST_POSTGRES_URL set to its `postgres` database for the command. The cluster is stopped and
# its directory removed on exit, also when the command fails or the script is interrupted.
#   bash scripts/with-postgres.sh cargo test -p clerk-wasm-server
# Needs Debian's postgresql package (scripts/setup-test.sh installs it).
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 command [args…]" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] || { echo "with-postgres: no PostgreSQL under /usr/lib/postgresql (run scripts/setup-test.sh)" >&2; exit 1; }

dir=$(mktemp -d)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
started=""
cleanup() {
  if [ -n "$started" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/db" stop -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${as_owner[@]}" "$bindir/initdb" -D "$dir/db" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
# A port found free can be taken before the server binds it: try a few.
for _ in 1 2 3 4 5; do
  port=$(free_port)
  if "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/db" -l "$dir/log" -w -t 30 \
      -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
      start >/dev/null; then
    started=1
    break
  fi
done
[ -n "$started" ] || { echo "with-postgres: the cluster did not start:" >&2; cat "$dir/log" >&2; exit 1; }

export CLERK_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at 127.0.0.1:$port (data in $dir, removed on exit)"
status=0
"$@" || status=$?
exit "$status"
