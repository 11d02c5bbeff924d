#!/usr/bin/env bash
# Installs the portal's npm packages (package.json at the repo root: uPlot
# for the charts, playwright-core for the browser tests) and copies uPlot
# into web/vendor/, where `yamori serve` serves it. Neither node_modules/
# nor web/vendor/ is committed. Quiet and quick when nothing changed.
#   scripts/web-build.sh [REPO]
set -euo pipefail
repo=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$repo"

if ! command -v npm >/dev/null; then
    echo "web-build: npm is missing: run scripts/install-deps.sh build" >&2
    exit 1
fi
stamp=node_modules/.yamori-stamp
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] ||
    { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
    echo "web-build: installing npm packages (package.json)"
    if [ -f package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error
    else
        npm install --no-audit --no-fund --loglevel=error
    fi
    touch "$stamp"
fi

mkdir -p web/vendor
for f in uPlot.iife.min.js uPlot.min.css; do
    src=node_modules/uplot/dist/$f
    [ -f "$src" ] || { echo "web-build: $src missing after npm install" >&2; exit 1; }
    cmp -s "$src" "web/vendor/$f" || cp "$src" "web/vendor/$f"
done
