#!/usr/bin/env bash
# Install the Debian packages invoicegraph needs. Idempotent and quick when they are present.
#   runtime: what the server needs to render PDFs
#   test:    runtime plus PostgreSQL, Redis (the shared rate limit), Chromium (GraphiQL
#            browser test) and poppler (pdftoppm)
set -euo pipefail

runtime=(fonts-dejavu-core libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 nodejs)
test_only=(postgresql redis-server chromium poppler-utils openssl)

wanted=("${runtime[@]}")
if [[ "${1:-runtime}" == "test" ]]; then
  wanted+=("${test_only[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done

# Debian splits npm from nodejs (NodeSource bundles it): ask for it only when absent
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
