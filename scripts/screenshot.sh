#!/usr/bin/env bash
# Renders the seed articles (../shared/seeds) as the HTML report and takes a PNG screenshot of the
# page with headless Chromium, to see the report as a reader does.
#
#   bash scripts/screenshot.sh [OUT.png]     # default runs/seeds-report.png; the page goes to OUT.html
#
# Needs `chromium` on PATH (Debian: apt-get install -y chromium) and ../shared/seeds
# ($FRAMEMARK_SEEDS to point elsewhere). Exits 2 when either is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-runs/seeds-report.png}"
seeds="${FRAMEMARK_SEEDS:-../shared/seeds}"
command -v chromium >/dev/null || { echo "screenshot.sh: chromium not on PATH (apt-get install -y chromium)" >&2; exit 2; }
[ -d "$seeds" ] || { echo "screenshot.sh: $seeds not found" >&2; exit 2; }

cargo build --release --quiet
mkdir -p "$(dirname "$out")"
html="${out%.png}.html"
# classify exits 0 when every seed was processed; anything else is a failure here too.
./target/release/framemark classify --format html "$seeds" > "$html"

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
    --window-size=1280,2400 --screenshot="$(realpath "$out")" "file://$(realpath "$html")" 2>/dev/null
[ -s "$out" ] || { echo "screenshot.sh: chromium wrote no $out" >&2; exit 2; }
echo "$out"
