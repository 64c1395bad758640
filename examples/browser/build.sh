#!/usr/bin/env bash
# Build the example: npm ci (skipped while the lockfile's hash is unchanged), then tsc
# --noEmit and esbuild into dist/ (skipped while no input changed). node_modules/ and dist/
# are gitignored. A flock serialises concurrent runs (pytest-xdist workers).
#   examples/browser/build.sh [--force]
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOCK_STAMP="$DIR/node_modules/.invoicegraph-lock-sha256"
BUILD_STAMP="$DIR/dist/.build-stamp"

for tool in node npm; do
  command -v "$tool" > /dev/null || { echo "example: '$tool' not found (Node.js >= 20)" >&2; exit 1; }
done

inputs_hash() {
  (cd "$DIR" && find package.json package-lock.json tsconfig.json build.sh src -type f -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}
lock_hash="$(sha256sum < "$DIR/package-lock.json" | cut -d' ' -f1)"
want="$(inputs_hash)"
built() { [[ "${1:-}" != "--force" && -f "$DIR/dist/app.js" && -f "$BUILD_STAMP" \
  && "$(cat "$BUILD_STAMP")" == "$want" ]]; }
built "$@" && exit 0

exec 9> "$DIR/.build.lock"
flock 9
built "$@" && exit 0
if [[ ! -f "$LOCK_STAMP" || "$(cat "$LOCK_STAMP")" != "$lock_hash" ]]; then
  (cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
  echo "$lock_hash" > "$LOCK_STAMP"
fi
(cd "$DIR" && npm run --silent build)
echo "$want" > "$BUILD_STAMP"
echo "example: built $DIR/dist/app.js"
