#!/usr/bin/env bash
# The portal's API as clients meet it, over HTTPS with the self-signed
# certificate yamori makes on first start: the one-time admin password on
# stdout, then every route of /api/v1/openapi.json checked for 401, 403,
# CSRF, tenant isolation (404, nothing leaked) and success by role, audit
# entries, tokens, SSE, static-file traversal and login throttling
# (portal_api.py). Also: plain HTTP off loopback is refused at start, and
# `yamori user` / `yamori token` manage the same accounts.
source "$(dirname "$0")/lib.sh"

data=$T/data
syslog=$(free_port)
http=$(free_port)
cat >"$T/yamori.yaml" <<'EOF'
tenants:
  - name: acme
  - name: globex
devices:
  - {name: asa1, tenant: acme, kind: asa, hostnames: [asa1]}
  - {name: pa1, tenant: acme, kind: panos, hostnames: [PA-220]}
EOF
args=(--config "$T/yamori.yaml" --syslog "127.0.0.1:$syslog" --relp off --http "127.0.0.1:$http" --rules "$YM_SRC/rules")

log "first start: a self-signed certificate and a one-time admin password"
start_yamori "$data" "$T/serve.log" "${args[@]}"
wait_for 60 "portal port $http" port_listening "$http"
wait_for 30 "banner" grep -q "running; Ctrl-C" "$T/serve.log"
grep -q "portal: no certificate configured: made a self-signed one" "$T/serve.log" ||
    fail "the log does not say a self-signed certificate was made"
[ -s "$data/portal/cert.pem" ] && [ -s "$data/portal/key.pem" ] || fail "no certificate in DATA/portal"
[ "$(stat -c %a "$data/portal/key.pem")" = 600 ] || fail "the private key is readable by others"
pw=$(sed -n "s/.*user 'admin', one-time password: \([A-Za-z0-9]*\).*/\1/p" "$T/serve.log")
[ -n "$pw" ] || fail "serve did not print the admin's one-time password: $(grep portal "$T/serve.log")"
if grep -v "one-time password: " "$T/serve.log" | grep -q "$pw"; then
    fail "the one-time password appears more than once"
fi

log "every route of the OpenAPI document, by role and tenant"
python3 "$(dirname "$0")/portal_api.py" "$http" "$data" "$pw" "$syslog" || fail "portal_api.py failed (above)"

log "yamori user and yamori token work on the same accounts while serve runs"
cli=(--config "$T/yamori.yaml" --data "$data")
printf 'cli-password-1\n' | "$YAMORI" user add carol --role customer --tenant acme --password-stdin \
    "${cli[@]}" >/dev/null || fail "user add"
"$YAMORI" user list "${cli[@]}" | grep -Eq "^carol +customer +acme" || fail "user list does not show carol"
if printf 'long-enough-1\n' | "$YAMORI" user add dave --role customer --tenant nosuch \
    --password-stdin "${cli[@]}" 2>/dev/null; then
    fail "a customer of an unknown tenant was accepted"
fi
token=$("$YAMORI" token add carol script "${cli[@]}" 2>/dev/null)
python3 - "$http" "$data" "$token" <<'PY' || fail "the CLI's token does not work on the API"
import http.client, json, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2] + "/portal/cert.pem")
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=ctx)
c.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + sys.argv[3]})
r = c.getresponse()
me = json.loads(r.read())
sys.exit(0 if r.status == 200 and me["user"] == "carol" and me["tenant"] == "acme" else 1)
PY
"$YAMORI" token list carol "${cli[@]}" | grep -q "script" || fail "token list does not show the token"
"$YAMORI" user del carol "${cli[@]}" >/dev/null || fail "user del"
if "$YAMORI" token list carol "${cli[@]}" | grep -q "script"; then
    fail "carol's token outlived her account"
fi
stop_yamori "$YM_PID"

log "plain HTTP is refused off loopback"
printf 'portal:\n  https: false\n' >"$T/plain.yaml"
if "$YAMORI" serve --config "$T/plain.yaml" --data "$T/plain" --syslog "127.0.0.1:$syslog" \
    --relp off --http "0.0.0.0:$http" >"$T/plain.log" 2>&1; then
    fail "serve started a plain-HTTP portal on 0.0.0.0"
fi
grep -q "only on a loopback address" "$T/plain.log" || fail "no clear reason: $(cat "$T/plain.log")"
log "ok"
