#!/usr/bin/env bash
# The portal in a REAL browser: Debian's chromium driven by playwright-core
# (npm) against a real `yamori serve` over HTTPS with its self-signed
# certificate. tests/browser/portal.test.mjs logs in, watches an incident
# appear live after attack logs are sent over TCP syslog, comments as
# analyst (and an internal note), checks what the customer sees, switches to
# Japanese, and saves a screenshot of every page under
# $YM_BUILD/test-output/browser/. Skipped (with the reason) only when the
# browser, node or the npm packages are not installed: `make test` installs
# them (scripts/install-deps.sh test, scripts/web-build.sh).
source "$(dirname "$0")/lib.sh"

skip() { echo "SKIPPED: $*"; exit 0; }
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (apt-get install chromium, or scripts/install-deps.sh test)"
command -v node >/dev/null || skip "no node (scripts/install-deps.sh build)"
[ -d "$YM_SRC/node_modules/playwright-core" ] || skip "no node_modules/playwright-core (run scripts/web-build.sh)"
[ -f "$YM_SRC/web/vendor/uPlot.iife.min.js" ] || skip "no web/vendor/uPlot (run scripts/web-build.sh)"

log "dictionaries: same keys in English and Japanese, every key the pages use"
node "$YM_SRC/tests/browser/i18n_check.mjs" "$YM_SRC/web" || fail "i18n_check"

shots=${YM_BUILD:-$T}/test-output/browser
rm -rf "$shots"
mkdir -p "$shots"
data=$T/data
syslog=$(free_port)
http=$(free_port)
cat >"$T/yamori.yaml" <<'YAML'
tenants:
  - name: acme
    display_name: ACME Corporation
  - name: globex
    display_name: Globex
devices:
  - {name: acme-pa, tenant: acme, kind: panos, hostnames: [acme-pa]}
  - {name: globex-pa, tenant: globex, kind: panos, hostnames: [globex-pa]}
YAML
args=(--config "$T/yamori.yaml" --syslog "127.0.0.1:$syslog" --relp off --http "127.0.0.1:$http"
    --rules "$YM_SRC/rules")
start_yamori "$data" "$T/serve.log" "${args[@]}"
wait_for 60 "portal port $http" port_listening "$http"
wait_for 30 "banner" grep -q "running; Ctrl-C" "$T/serve.log"
admin_pw=$(sed -n "s/.*user 'admin', one-time password: \([A-Za-z0-9]*\).*/\1/p" "$T/serve.log")
[ -n "$admin_pw" ] || fail "serve did not print the admin's one-time password"

cli=(--config "$T/yamori.yaml" --data "$data")
printf 'analyst-password-1\n' | "$YAMORI" user add ana --role analyst --password-stdin "${cli[@]}" >/dev/null ||
    fail "user add ana"
printf 'customer-password-1\n' | "$YAMORI" user add kate --role customer --tenant acme --password-stdin \
    "${cli[@]}" >/dev/null || fail "user add kate"

log "chromium $("$CHROMIUM" --version 2>/dev/null | awk '{print $2}'); screenshots in $shots"
status=0
(cd "$YM_SRC" && YM_URL="https://127.0.0.1:$http/" YM_SYSLOG_PORT=$syslog \
    YM_ANALYST="ana:analyst-password-1" YM_CUSTOMER="kate:customer-password-1" \
    YM_ADMIN="admin:$admin_pw" YM_SHOTS="$shots" CHROMIUM="$CHROMIUM" \
    timeout 600 node tests/browser/portal.test.mjs) || status=$?
if [ $status -ne 0 ]; then
    tail -20 "$T/serve.log" >&2
    fail "portal.test.mjs failed (status $status, above)"
fi
ls "$shots"/*.png >/dev/null 2>&1 || fail "no screenshots saved"
log "ok: $(ls "$shots"/*.png | wc -l) screenshots"
