#!/usr/bin/env bash
# npm ci for the schema tools into tools/graphql/node_modules (gitignored), skipped while the
# lockfile's hash matches the one recorded by the last install (npm ci always wipes and
# reinstalls). A flock serialises concurrent callers (pytest-xdist workers).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STAMP="$DIR/node_modules/.invoicegraph-lock-sha256"

for tool in node npm; do
  command -v "$tool" > /dev/null || { echo "graphql tools: '$tool' not found" >&2; exit 1; }
done

want="$(sha256sum < "$DIR/package-lock.json" | cut -d' ' -f1)"
current() { [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; }
current && exit 0

exec 9> "$DIR/.install.lock"
flock 9
current && exit 0
(cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
echo "$want" > "$STAMP"
