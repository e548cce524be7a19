#!/usr/bin/env bash
# The npm package as users get it: packs pkg/ (`npm pack`; run `npm run build` first), installs the tarball into the
# bundled apps and builds them with Vite: tests/vite-app (plain Vite 8, into its dist/) and apps/react (Vite + React,
# into www/react/, which the server serves at /react/). With no arguments it builds both and then type-checks the
# package's declarations as installed from the tarball (tsc --noEmit -p tests/types); with app folders as arguments
# (`scripts/build-apps.sh apps/react`, as `npm start` does) it builds only those.
# Idempotent and quick when nothing changed: an app's dependencies are installed with `npm ci` only when its lock
# file changed, and an app is rebuilt only when the package or the app's own files changed (stamps in node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ $# -gt 0 ]; then apps=("$@"); check_types=false; else apps=(tests/vite-app apps/react); check_types=true; fi

[ -f pkg/package.json ] && [ -f pkg/index.js ] || { echo "build-apps: pkg/ has no package: run npm run build" >&2; exit 1; }
pack_dir=$(mktemp -d)
trap 'rm -rf "$pack_dir"' EXIT
tarball="$pack_dir/$(npm pack ./pkg --pack-destination "$pack_dir" --silent)"
# npm pack gives every entry the same fixed date, so the tarball's hash changes only with the package's content.
tarball_sum=$(sha256sum "$tarball" | cut -d' ' -f1)
step "build-apps: packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

# Where an app's build lands (see its vite.config.js).
out_dir() { if [ "$1" = apps/react ]; then echo www/react; else echo "$1/dist"; fi; }

for app in "${apps[@]}"; do
  lock_sum=$(sha256sum "$app/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$app/node_modules/.install-stamp" 2>/dev/null)" != "$lock_sum" ]; then
    run_step "build-apps: installing $app's dependencies (npm ci)" \
      bash -c "cd '$app' && npm ci --no-audit --no-fund --loglevel=error"
    echo "$lock_sum" > "$app/node_modules/.install-stamp"
  fi
  # The app's inputs: the package, and the app's own files (not its dependencies, covered by the lock file).
  inputs=$( { echo "$tarball_sum"; find "$app" -path "$app/node_modules" -prune -o -path "$app/dist" -prune -o -type f -print \
    | LC_ALL=C sort | xargs sha256sum; } | sha256sum | cut -d' ' -f1)
  if [ -f "$(out_dir "$app")/index.html" ] && [ "$(cat "$app/node_modules/.build-stamp" 2>/dev/null)" = "$inputs" ]; then
    step "build-apps: $(out_dir "$app") is up to date"
    continue
  fi
  # --no-save: the tarball changes with every build, so it stays out of the app's package.json and lock file.
  run_step "build-apps: building $app into $(out_dir "$app") (vite build)" \
    bash -c "cd '$app' && npm install --no-save --no-audit --no-fund --loglevel=error '$tarball' >/dev/null \
      && ./node_modules/.bin/vite build --logLevel warn"
  echo "$inputs" > "$app/node_modules/.build-stamp"
done

if $check_types; then
  (cd tests/types && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$tarball" >/dev/null)
  tsc --noEmit -p tests/types
  tsc --noEmit -p tests/types/tsconfig.node16.json
  step "build-apps: tsc --noEmit passed (tests/types, bundler and node16 resolution)"
fi
