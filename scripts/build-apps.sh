#!/usr/bin/env bash
# The npm package as users get it: packs pkg/ (`npm pack`; run `npm run build` first), installs the tarball into the
# two bundled apps (tests/vite-app: plain Vite 8; www/react: Vite + React), builds both with Vite, and type-checks
# the package's declarations as installed from the tarball (tsc --noEmit -p tests/types). The apps' own dependencies are installed with `npm ci`
# only when their lock file changed (a stamp in node_modules, like scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

[ -f pkg/package.json ] && [ -f pkg/index.js ] || { echo "build-apps: pkg/ has no package: run npm run build" >&2; exit 1; }
pack_dir=$(mktemp -d)
trap 'rm -rf "$pack_dir"' EXIT
tarball="$pack_dir/$(npm pack ./pkg --pack-destination "$pack_dir" --silent)"
echo "build-apps: packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

for app in tests/vite-app www/react; do
  lock_sum=$(sha256sum "$app/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$app/node_modules/.install-stamp" 2>/dev/null)" != "$lock_sum" ]; then
    (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > "$app/node_modules/.install-stamp"
  fi
  # --no-save: the tarball changes with every build, so it stays out of the app's package.json and lock file.
  (cd "$app" && npm install --no-save --no-audit --no-fund --loglevel=error "$tarball" >/dev/null \
    && ./node_modules/.bin/vite build --logLevel warn)
  echo "build-apps: built $app/dist"
done

(cd tests/types && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$tarball" >/dev/null)
tsc --noEmit -p tests/types
tsc --noEmit -p tests/types/tsconfig.node16.json
echo "build-apps: tsc --noEmit passed (tests/types, bundler and node16 resolution)"
