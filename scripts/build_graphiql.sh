#!/usr/bin/env bash
# Build the self-hosted GraphiQL bundle (JS + CSS + any assets) from frontend/
# into invoicegraph/static/graphiql/, so the IDE page needs no CDN.
#
# Usage: scripts/build_graphiql.sh [--force]
#
# Why it works the way it does:
# - The bundle is third-party code and is never committed (the output dir is
#   gitignored); every fresh clone, CI run and test session builds it, so a
#   warm run must be near-instant: the build is skipped while a stamp of all
#   build inputs (lockfile, package.json, frontend/src, this script) matches.
# - npm ci runs in a copy of frontend/ under build/ (gitignored) instead of in
#   frontend/ itself, so ~100 MB of node_modules never shows up as untracked
#   files in the shared checkout. node_modules is reused while the lockfile
#   hash is unchanged, because npm ci always wipes and reinstalls (~15 s).
# - --ignore-scripts: nothing in the tree needs an install script; esbuild's
#   native binary comes from its per-platform optional dependency
#   (@esbuild/linux-x64 etc.), which npm installs like any other package.
# - A flock serialises concurrent runs (pytest-xdist workers each call this
#   from a session fixture); the loser re-checks the stamp and returns.
# - Output is built into a temp dir and swapped in, so a running server never
#   serves a half-written bundle.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/frontend"
WORK="${GRAPHIQL_WORKDIR:-$ROOT/build/graphiql-frontend}"
OUT="$ROOT/invoicegraph/static/graphiql"
STAMP="$OUT/.build-stamp"
LOCK_STAMP="$WORK/node_modules/.invoicegraph-lock-sha256"
SELF="$ROOT/scripts/build_graphiql.sh"

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

inputs_hash() {
  {
    (cd "$SRC" && find package.json package-lock.json src -type f -print0 \
      | LC_ALL=C sort -z | xargs -0 sha256sum)
    sha256sum < "$SELF"
  } | sha256sum | cut -d' ' -f1
}

is_current() {
  [[ $force -eq 0 && -f "$OUT/graphiql.js" && -f "$OUT/graphiql.css" && -f "$STAMP" ]] \
    && [[ "$(cat "$STAMP")" == "$1" ]]
}

want="$(inputs_hash)"
if is_current "$want"; then
  echo "graphiql: up to date ($OUT)"
  exit 0
fi

for tool in node npm; do
  if ! command -v "$tool" > /dev/null; then
    echo "graphiql: '$tool' not found; install Node.js >= 18 (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
done

mkdir -p "$WORK"
exec 9> "$WORK/.build.lock"
flock 9
if is_current "$want"; then
  echo "graphiql: up to date ($OUT, built by a concurrent run)"
  exit 0
fi

start=$SECONDS
cp "$SRC/package.json" "$SRC/package-lock.json" "$WORK/"
rm -rf "$WORK/src"
cp -R "$SRC/src" "$WORK/src"

lock_hash="$(sha256sum < "$SRC/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$LOCK_STAMP" && "$(cat "$LOCK_STAMP")" == "$lock_hash" ]]; then
  echo "graphiql: node_modules current, skipping npm ci"
else
  echo "graphiql: npm ci in $WORK"
  (cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
  echo "$lock_hash" > "$LOCK_STAMP"
fi

staging="$(mktemp -d "$WORK/out.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
(cd "$WORK" && GRAPHIQL_OUTDIR="$staging" npm run --silent build)
for f in graphiql.js graphiql.css; do
  if [[ ! -s "$staging/$f" ]]; then
    echo "graphiql: build produced no $f" >&2
    exit 1
  fi
done
# No CDN: fail the build if the bundle pulls in a stylesheet or font by URL.
if grep -Eq '@import[[:space:]]+url\(|url\((["'\'']?)(https?:)?//' "$staging/graphiql.css"; then
  echo "graphiql: graphiql.css references a remote URL; the bundle must be self-contained" >&2
  exit 1
fi
echo "$want" > "$staging/.build-stamp"
chmod 755 "$staging"

mkdir -p "$(dirname "$OUT")"
rm -rf "$OUT"
mv "$staging" "$OUT"
trap - EXIT
echo "graphiql: built $OUT in $((SECONDS - start))s"
ls -l "$OUT"
