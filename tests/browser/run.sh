#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium (Debian package `chromium`,
# installed here when missing and run as root with apt-get). For each report: the page's
# self-test (report.js, URL #selftest) must find no script or console error, one map
# shape per region and per post, every region painted, colours that change when the
# slider moves, a working play button and an inked timeline; a screenshot must be
# non-blank. Prints size, first contentful paint and the time until the map is coloured.
#
# Usage: tests/browser/run.sh [EXTRA_REPORT.html ...]   (EXTRA reports are checked too)
# Env: CHROMIUM=path, BROWSER_OUT=dir (keeps screenshots), PATROLPLAN_SKIP_BROWSER=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${PATROLPLAN_SKIP_BROWSER:-}" = 1 ]; then
    echo "browser test skipped (PATROLPLAN_SKIP_BROWSER=1)"
    exit 0
fi
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing chromium (apt-get install -y chromium)"
        apt-get install -y chromium >/dev/null 2>&1 ||
            { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
        CHROMIUM=$(command -v chromium)
    else
        echo "error: chromium not found and cannot be installed here; set CHROMIUM=/path/to/chromium" >&2
        exit 1
    fi
fi
cargo build --release --quiet --bin patrolplan
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/patrolplan
OUT=${BROWSER_OUT:-$(mktemp -d)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# Reports: hand.json (a point region, no start time), tiny solved (summary bound),
# small baseline (infeasible: breaches listed), nanjing baseline (100 streets).
cat > "$OUT/hand-plan.json" <<'J'
{"format": "patrolplan.schedule.v1", "instance": "hand", "teams": [
 {"id": "T1", "shifts": [{"start": 0, "at": ["R1", "R1", "R2", "R2"]}]},
 {"id": "V1", "shifts": [{"start": 2, "at": ["R2", "R2"]}]},
 {"id": "M1", "shifts": [{"start": 1, "at": ["P1", "P1", "P1"]}]}]}
J
"$BIN" report tests/data/hand.json "$OUT/hand-plan.json" --out "$OUT/hand.html" --bound-time-limit 1 2>/dev/null
"$BIN" solve data/tiny.json --out "$OUT/tiny-plan.json" --iterations 3000 --seed 1 --threads 1 --time-limit 10 >/dev/null 2>&1
"$BIN" report data/tiny.json "$OUT/tiny-plan.json" --out "$OUT/tiny.html" 2>/dev/null
"$BIN" baseline data/small.json --out "$OUT/small-plan.json" >/dev/null
"$BIN" report data/small.json "$OUT/small-plan.json" --out "$OUT/small.html" --bound-time-limit 1 2>/dev/null
"$BIN" baseline data/nanjing.json --out "$OUT/nanjing-plan.json" >/dev/null
"$BIN" report data/nanjing.json "$OUT/nanjing-plan.json" --out "$OUT/nanjing.html" --bound-time-limit 1 2>/dev/null

FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --hide-scrollbars --enable-logging=stderr --v=0)
fail=0
for html in "$OUT/hand.html" "$OUT/tiny.html" "$OUT/small.html" "$OUT/nanjing.html" "$@"; do
    html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
    name=$(basename "$html" .html)
    for attempt in 1 2; do
        # A cold first start of Chromium can dump the page before the script ran: retry once.
        profile=$(mktemp -d)
        "$CHROMIUM" "${FLAGS[@]}" --user-data-dir="$profile" --virtual-time-budget=60000 \
            --dump-dom "file://$html#selftest" >"$OUT/$name.dom" 2>"$OUT/$name.log" || true
        rm -rf "$profile"
        grep -q '<pre id="selftest">{' "$OUT/$name.dom" && break
    done
    profile=$(mktemp -d)
    "$CHROMIUM" "${FLAGS[@]}" --user-data-dir="$profile" --window-size=1280,1800 \
        --virtual-time-budget=20000 --screenshot="$OUT/$name.png" "file://$html" \
        >/dev/null 2>"$OUT/$name.shot.log" || true
    rm -rf "$profile"
    if python3 tests/browser/check.py "$html" "$OUT/$name.dom" "$OUT/$name.png" "$OUT/$name.log"; then
        echo "ok   $name"
    else
        echo "FAIL $name (see $OUT/$name.*)"
        fail=1
    fi
done
echo "screenshots in $OUT"
exit $fail
