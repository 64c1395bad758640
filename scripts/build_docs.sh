#!/usr/bin/env bash
# Copy Redoc's standalone bundle (npm registry, pinned by docs-frontend/package-lock.json) into
# invoicegraph/static/docs/, so /docs renders the OpenAPI document with nothing fetched from a
# CDN. Like build_graphiql.sh: never committed (gitignored), npm ci in build/ (node_modules
# reused while the lockfile hash is unchanged), skipped while its inputs are unchanged, a flock
# for concurrent runs, and the output swapped in whole. --legacy-peer-deps: the standalone
# bundle carries React and the rest inside it, so Redoc's peer dependencies are not installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/docs-frontend"
WORK="${DOCS_WORKDIR:-$ROOT/build/docs-frontend}"
OUT="$ROOT/invoicegraph/static/docs"
want="$(cat "$SRC/package.json" "$SRC/package-lock.json" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"

current() { [[ -s "$OUT/redoc.standalone.js" && "$(cat "$OUT/.build-stamp" 2>/dev/null)" == "$want" ]]; }
if current; then echo "docs: up to date ($OUT)"; exit 0; fi

mkdir -p "$WORK"
exec 9> "$WORK/.build.lock"
flock 9
if current; then echo "docs: up to date ($OUT, built by a concurrent run)"; exit 0; fi

cp "$SRC/package.json" "$SRC/package-lock.json" "$WORK/"
lock_hash="$(sha256sum < "$SRC/package-lock.json" | cut -d' ' -f1)"
if [[ "$(cat "$WORK/node_modules/.invoicegraph-lock-sha256" 2>/dev/null)" != "$lock_hash" ]]; then
  (cd "$WORK" && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund \
    --prefer-offline --loglevel=error)
  echo "$lock_hash" > "$WORK/node_modules/.invoicegraph-lock-sha256"
fi

staging="$(mktemp -d "$WORK/out.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
cp "$WORK/node_modules/redoc/bundles/redoc.standalone.js" \
  "$WORK/node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt" "$staging/"
# the one remote URL the bundle holds (the "API docs by Redocly" footer logo): nothing leaves
sed -i 's#https://cdn\.redoc\.ly/redoc/logo-mini\.svg#data:,#g' "$staging/redoc.standalone.js"
if grep -q 'https://cdn\.' "$staging/redoc.standalone.js"; then
  echo "docs: redoc.standalone.js references a CDN; the page must be self-contained" >&2
  exit 1
fi
echo "$want" > "$staging/.build-stamp"
chmod 755 "$staging"
mkdir -p "$(dirname "$OUT")"
rm -rf "$OUT"
mv "$staging" "$OUT"
trap - EXIT
echo "docs: built $OUT"
