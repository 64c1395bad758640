#!/usr/bin/env bash
# npm ci for the npm project in DIR (its node_modules is gitignored), skipped while the
# lockfile's hash matches the one recorded by the last install (npm ci always wipes and
# reinstalls). A flock serialises concurrent callers (pytest-xdist workers).
#
# Usage: scripts/npm_ci_cached.sh DIR
set -euo pipefail
DIR="$(cd "${1:?usage: npm_ci_cached.sh DIR}" && pwd)"
STAMP="$DIR/node_modules/.invoicegraph-lock-sha256"

for tool in node npm; do
  command -v "$tool" > /dev/null || { echo "$(basename "$DIR"): '$tool' not found" >&2; exit 1; }
done

want="$(sha256sum < "$DIR/package-lock.json" | cut -d' ' -f1)"
current() { [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; }
current && exit 0

exec 9> "$DIR/.install.lock"
flock 9
current && exit 0
(cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
echo "$want" > "$STAMP"
