#!/usr/bin/env bash
# Notifications reach a REAL SMTP server (aiosmtpd from Debian's
# python3-aiosmtpd, STARTTLS and AUTH required) and a local webhook
# receiver that fails its first two requests: the mails arrive with the
# right subject in English and in Japanese, the webhook lands exactly once
# after the retries, every attempt is recorded with its answer, the
# incident is marked notified, report-only incidents send nothing,
# notifications that need an acknowledgement wait for it, and a contact
# that never answers is given up after the configured attempts.
#
# Incidents are written into state.db the way triage writes them (the SQL
# of src/state/state_incidents.c) so that this test depends on notify only;
# the outbox rows are what triage's state_notify_enqueue adds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import aiosmtpd' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || fail "python3-aiosmtpd is not installed (scripts/install-deps.sh installs it)"

make_certs "$T/certs"
SMTP_PORT=$(free_port)
SMTPS_PORT=$(free_port)
HOOK_PORT=$(free_port)
CHAT_PORT=$(free_port) # Slack- and Teams-format webhooks, never failing
DEAD_PORT=$(free_port) # nothing listens there
"$PY" "$YM_SRC/tests/integration/smtp_server.py" --port "$SMTP_PORT" --cert "$T/certs/server.pem" \
    --key "$T/certs/server.key" --user yamori --password 's3cret pass' --dir "$T/mail" \
    >"$T/smtp.log" 2>&1 &
YM_PIDS+=($!)
"$PY" "$YM_SRC/tests/integration/smtp_server.py" --port "$SMTPS_PORT" --cert "$T/certs/server.pem" \
    --key "$T/certs/server.key" --user yamori --password 's3cret pass' --dir "$T/mail-smtps" \
    --smtps >"$T/smtps.log" 2>&1 &
YM_PIDS+=($!)
"$PY" "$YM_SRC/tests/integration/http_receiver.py" --port "$HOOK_PORT" --dir "$T/hooks" \
    --fail-first 2 >"$T/http.log" 2>&1 &
YM_PIDS+=($!)
"$PY" "$YM_SRC/tests/integration/http_receiver.py" --port "$CHAT_PORT" --dir "$T/chat" \
    >"$T/chat.log" 2>&1 &
YM_PIDS+=($!)
wait_for 20 "SMTP server on $SMTP_PORT" port_listening "$SMTP_PORT"
wait_for 20 "SMTPS server on $SMTPS_PORT" port_listening "$SMTPS_PORT"
wait_for 20 "webhook receiver on $HOOK_PORT" port_listening "$HOOK_PORT"
wait_for 20 "webhook receiver on $CHAT_PORT" port_listening "$CHAT_PORT"

printf 's3cret pass\n' >"$T/smtp.pass"
cat >"$T/yamori.yaml" <<YAML
data_dir: $T/data
notify:
  smtp:
    url: smtp://127.0.0.1:$SMTP_PORT
    starttls: required
    username: yamori
    password_file: $T/smtp.pass
    from: soc@example.com
  ca_file: $T/certs/ca.pem
  portal_url: https://soc.example.com
  retry:
    attempts: 3
    first_delay_ms: 200
    max_delay_ms: 1000
tenants:
  - name: acme
    display_name: ACME Corporation
    contacts:
      - email: alice@acme.example
      - webhook: http://127.0.0.1:$HOOK_PORT/hook
        format: generic
        severities: [emergency, critical]
    require_ack: [emergency]
    notify: {warning: digest}
  - name: tokyo
    display_name: 東京商事
    language: ja
    timezone: Asia/Tokyo
    contacts:
      - email: kanri@tokyo.example
      - webhook: http://127.0.0.1:$CHAT_PORT/slack
        format: slack
        severities: critical
      - webhook: http://127.0.0.1:$CHAT_PORT/teams
        format: teams
        severities: critical
  - name: slow
    contacts:
      - webhook: http://127.0.0.1:$CHAT_PORT/hang
  - name: broken
    contacts:
      - webhook: http://127.0.0.1:$DEAD_PORT/hook
        format: slack
YAML
mkdir -p "$T/data"
Y=("$YAMORI" notify --config "$T/yamori.yaml")

# subject_of FILE: the decoded Subject of a saved mail.
subject_of() {
    "$PY" -c 'import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
print(m["Subject"])' "$1"
}
# mail_to ADDRESS: the saved mails sent to ADDRESS, one file name a line.
mail_to() { grep -l "^RCPT TO $1\$" "$T"/mail/*.env 2>/dev/null | sed 's/\.env$/.eml/' || true; }
# mail_subject_to ADDRESS PREFIX: the saved mails to ADDRESS whose subject starts with PREFIX.
mail_subject_to() {
    local f
    for f in $(mail_to "$1"); do
        case "$(subject_of "$f")" in "$2"*) echo "$f" ;; esac
    done
}

log "1. yamori notify test: a test mail in Japanese over STARTTLS with AUTH"
"${Y[@]}" test --tenant tokyo --severity warning >"$T/test.out" || { cat "$T/test.out"; fail "notify test failed"; }
grep -q "^email kanri@tokyo.example: ok 250" "$T/test.out" || fail "test answer: $(cat "$T/test.out")"
[ "$(grep -c . "$T/test.out")" = 1 ] || fail "the chat webhooks take critical only: $(cat "$T/test.out")"
f=$(mail_to kanri@tokyo.example)
[ -n "$f" ] || fail "the test mail did not arrive"
grep -q '^TLS yes' "${f%.eml}.env" || fail "the test mail came without STARTTLS"
grep -q '^AUTH yes' "${f%.eml}.env" || fail "the test mail came without AUTH"
s=$(subject_of "$f")
[ "$s" = "[yamori] 【テスト】テスト通知（tokyo、警告）" ] || fail "test subject: $s"
rm -f "$T"/mail/*

log "1b. the same over SMTPS (TLS from the first byte)"
sed "s|url: smtp://127.0.0.1:$SMTP_PORT|url: smtps://127.0.0.1:$SMTPS_PORT|" "$T/yamori.yaml" >"$T/smtps.yaml"
"$YAMORI" notify --config "$T/smtps.yaml" test --tenant acme --severity informational >"$T/smtps.out" ||
    fail "notify test over smtps: $(cat "$T/smtps.out")"
s=$(subject_of "$T/mail-smtps/001.eml")
[ "$s" = "[yamori] Test notification (acme, Informational)" ] || fail "smtps test subject: $s"

log "2. a wrong password is refused by the server and reported"
sed 's/^s3cret pass$/wrong/' "$T/smtp.pass" >"$T/bad.pass"
sed "s|password_file: .*|password_file: $T/bad.pass|" "$T/yamori.yaml" >"$T/bad.yaml"
if "$YAMORI" notify --config "$T/bad.yaml" test --tenant tokyo --severity warning >"$T/bad.out"; then
    fail "a refused login counted as delivered"
fi
grep -q '535' "$T/bad.out" || fail "the SMTP answer is not shown: $(cat "$T/bad.out")"

log "3. incidents and the outbox"
"${Y[@]}" send-pending >/dev/null # creates state.db, nothing to send
NOW=$(date +%s%N)
"$PY" - "$T/data/state.db" "$NOW" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); now = int(sys.argv[2]); m = 60 * 10**9
def incident(i, tenant, sev, title, status, src, dst, response, queued=now):
    db.execute("INSERT INTO incidents (id, tenant, title, severity, status, rule_id, source_ip,"
               " destination_ip, response, created_ns, updated_ns, first_detection_ns, sla_due_ns)"
               " VALUES (?, ?, ?, ?, ?, 'web-sqli', ?, ?, ?, ?, ?, ?, ?)",
               (i, tenant, title, sev, status, src, dst, response, now, now, now - m, now + 14 * m))
    db.execute("INSERT INTO notifications (tenant, incident_id, reason, created_ns, next_ns)"
               " VALUES (?, ?, 'new', ?, ?)", (tenant, i, queued, queued))
incident(1, "acme", "critical", "SQL injection answered 200 by web01", "new",
         "203.0.113.5", "10.0.0.80", "Take web01 off the network and reset its database passwords.")
incident(2, "tokyo", "critical", "Webサーバへの SQL インジェクション成功", "new",
         "203.0.113.9", "10.1.0.80", "")
incident(3, "acme", "informational", "Port scan blocked", "new", "198.51.100.7", "10.0.0.1", "")
incident(4, "acme", "emergency", "Ransomware callback from fs01", "new",
         "10.0.0.20", "192.0.2.66", "Isolate fs01.")
incident(5, "broken", "critical", "Brute force succeeded on vpn", "new", "192.0.2.1", "10.9.0.1", "")
# a warning queued two hours ago: its digest period is over
incident(6, "acme", "warning", "Login attempts from a scanner", "new", "198.51.100.9",
         "10.0.0.5", "", queued=now - 120 * m)
db.commit()
PY

log "4. send-pending: retries with back-off until everything is settled"
"${Y[@]}" send-pending --timeout-s 60 >"$T/send.out" || { cat "$T/send.out"; fail "send-pending failed"; }
"${Y[@]}" list --json >"$T/list.json"
check() { "$PY" - "$T/list.json" "$@"; }

# English mail, once, although the webhook of the same notification was retried
f=$(mail_subject_to alice@acme.example "[yamori] Critical")
[ "$(echo "$f" | grep -c .)" = 1 ] || fail "alice got $(echo "$f" | grep -c .) mails, expected exactly 1"
s=$(subject_of "$f")
[ "$s" = "[yamori] Critical: SQL injection answered 200 by web01 (acme, incident #1)" ] ||
    fail "English subject: $s"
"$PY" - "$f" <<'PY' || fail "English body"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
b = m.get_content()
for want in ["Severity:", "Critical", "#1 SQL injection answered 200 by web01", "203.0.113.5",
             "10.0.0.80", "Take web01 off the network", "https://soc.example.com/#/incidents/1",
             "ACME Corporation (acme)"]:
    assert want in b, (want, b)
assert m.get_content_type() == "text/plain" and m.get_content_charset() == "utf-8"
PY

# Japanese mail with the time in the tenant's zone
f=$(mail_to kanri@tokyo.example)
[ "$(echo "$f" | grep -c .)" = 1 ] || fail "kanri got $(echo "$f" | grep -c .) mails, expected 1"
s=$(subject_of "$f")
[ "$s" = "[yamori] 【重要】Webサーバへの SQL インジェクション成功（tokyo、インシデント #2）" ] ||
    fail "Japanese subject: $s"
"$PY" - "$f" <<'PY' || fail "Japanese body"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
b = m.get_content()
for want in ["重要度：重要", "送信元：203.0.113.9", "+09:00", "対処のお願い"]:
    assert want in b, (want, b)
PY

# The webhook: two 500s, then accepted exactly once
[ "$(ls "$T"/hooks/*-500.json 2>/dev/null | wc -l)" = 2 ] || fail "expected 2 failed webhook requests: $(ls "$T/hooks")"
[ "$(ls "$T"/hooks/*-200.json 2>/dev/null | wc -l)" = 1 ] || fail "the webhook should land exactly once: $(ls "$T/hooks")"
"$PY" - "$T"/hooks/*-200.json <<'PY' || fail "webhook payload"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["type"] == "incident" and p["tenant"] == "acme", p
i = p["incidents"][0]
assert i["id"] == 1 and i["severity"] == "critical" and i["source.ip"] == "203.0.113.5", i
assert i["url"] == "https://soc.example.com/#/incidents/1", i
PY

# Slack and Teams payloads for the Japanese tenant
"$PY" - "$T/chat" <<'PY' || fail "chat webhooks: $(ls "$T/chat")"
import glob, json, sys
got = [json.load(open(f)) for f in sorted(glob.glob(sys.argv[1] + "/*-200.json"))]
slack = [p for p in got if "blocks" in p]
teams = [p for p in got if p.get("@type") == "MessageCard"]
assert len(slack) == 1 and len(teams) == 1 and len(got) == 2, got
assert "【重要】" in slack[0]["text"] and "インシデント #2" in slack[0]["text"], slack
assert slack[0]["blocks"][0]["type"] == "header", slack
assert teams[0]["title"].startswith("[yamori] 【重要】"), teams
facts = {f["name"]: f["value"] for f in teams[0]["sections"][0]["facts"]}
assert facts["送信元"] == "203.0.113.9" and facts["重要度"] == "重要", facts
PY

# Every attempt recorded with its answer
check <<'PY' || fail "recorded attempts: $(cat "$T/list.json")"
import json, sys
rows = {r["incident"]: r for r in map(json.loads, open(sys.argv[1]))}
a = rows[1]
assert a["state"] == "sent" and a["rounds"] == 3, a
hooks = [x for x in a["attempts"] if x["channel"] == "webhook"]
mails = [x for x in a["attempts"] if x["channel"] == "email"]
assert [x["ok"] for x in hooks] == [False, False, True], hooks
assert all("500" in x["answer"] for x in hooks[:2]) and "200" in hooks[2]["answer"], hooks
assert len(mails) == 1 and mails[0]["ok"] and mails[0]["answer"].startswith("250"), mails
assert rows[2]["state"] == "sent", rows[2]
assert rows[3]["state"] == "skipped" and rows[3]["attempts"] == [], rows[3]   # report only
assert rows[4]["state"] == "held" and rows[4]["attempts"] == [], rows[4]      # needs an ack
b = rows[5]                                                                    # never answers
assert b["state"] == "failed" and b["rounds"] == 3 and len(b["attempts"]) == 3, b
assert all(not x["ok"] and x["answer"].startswith("curl:") and x["channel"] == "slack"
           for x in b["attempts"]), b
assert rows[6]["state"] == "sent", rows[6]                                     # via the digest
d = [r for r in rows.values() if r["reason"] == "digest"]
assert len(d) == 1 and d[0]["incident"] == 0 and d[0]["state"] == "sent", d
assert [x["target"] for x in d[0]["attempts"]] == ["alice@acme.example"], d   # not the webhook
PY
f=$(mail_subject_to alice@acme.example "[yamori] Digest")
[ "$(echo "$f" | grep -c .)" = 1 ] || fail "expected one digest mail"
[ "$(subject_of "$f")" = "[yamori] Digest: 1 incident (acme)" ] || fail "digest subject: $(subject_of "$f")"
"$PY" - "$f" <<'PY' || fail "digest body"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
b = m.get_content()
assert "#6 Login attempts from a scanner" in b and "Warning" in b, b
PY
grep -q "gave up 1" "$T/send.out" || fail "give-up not counted: $(cat "$T/send.out")"

# The incident's side: notified, SLA kept, timeline lines
"$PY" - "$T/data/state.db" <<'PY' || fail "incident records"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
st, nn, br = db.execute("SELECT status, notified_ns, sla_breached FROM incidents WHERE id = 1").fetchone()
assert st == "notified" and nn and br == 0, (st, nn, br)
lines = db.execute("SELECT kind, visibility, text FROM timeline WHERE incident_id = 1 ORDER BY id").fetchall()
assert sum(1 for k, v, t in lines if k == "notification" and v == "internal" and "failed" in t) == 2, lines
assert sum(1 for k, v, t in lines if k == "notification" and v == "customer") == 2, lines
assert ("status", "customer", "new -> notified") in lines, lines
st, nn = db.execute("SELECT status, notified_ns FROM incidents WHERE id = 3").fetchone()
assert st == "new" and nn is None, (st, nn)
assert db.execute("SELECT COUNT(*) FROM changes WHERE kind = 'incident.update' AND ref = 1").fetchone()[0] >= 1
PY

log "5. the held emergency is sent once an analyst acknowledges it"
[ -z "$(mail_subject_to alice@acme.example "[yamori] Emergency")" ] || fail "the held mail was sent"
"$YAMORI" incidents --config "$T/yamori.yaml" ack 4 --as analyst1 >/dev/null || fail "yamori incidents ack 4"
"${Y[@]}" send-pending --timeout-s 30 >"$T/send2.out" || fail "send-pending after ack: $(cat "$T/send2.out")"
f=$(mail_subject_to alice@acme.example "[yamori] Emergency: Ransomware callback from fs01 (acme, incident #4)")
[ "$(echo "$f" | grep -c .)" = 1 ] || fail "the acknowledged emergency mail arrived $(echo "$f" | grep -c .) times"
"${Y[@]}" list --json >"$T/list.json"
check <<'PY' || fail "released notification"
import json, sys
rows = {r["incident"]: r for r in map(json.loads, open(sys.argv[1]))}
assert rows[4]["state"] == "sent", rows[4]
PY
log "6. yamori serve's notify thread sends what an analyst queues from another process"
SYSLOG_PORT=$(free_port)
start_yamori "$T/data" "$T/serve.log" --config "$T/yamori.yaml" --syslog "127.0.0.1:$SYSLOG_PORT" \
    --relp off --http off --rules off
wait_for 30 "yamori serve on $SYSLOG_PORT" port_listening "$SYSLOG_PORT"
"$YAMORI" incidents --config "$T/yamori.yaml" notify 3 --as analyst1 >/dev/null ||
    fail "yamori incidents notify 3"
has_port_scan_mail() { [ -n "$(mail_subject_to alice@acme.example "[yamori] Informational: Port scan blocked")" ]; }
wait_for 20 "the mail of incident 3 sent by yamori serve" has_port_scan_mail

log "7. stopping serve abandons a transfer to a receiver that hangs, and keeps it pending"
"$PY" - "$T/data/state.db" "$(date +%s%N)" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); now = int(sys.argv[2])
db.execute("INSERT INTO incidents (id, tenant, title, severity, status, rule_id, created_ns,"
           " updated_ns, first_detection_ns) VALUES (7, 'slow', 'Exploit', 'critical', 'new',"
           " 'r', ?, ?, ?)", (now, now, now))
db.execute("INSERT INTO notifications (tenant, incident_id, reason, created_ns, next_ns)"
           " VALUES ('slow', 7, 'new', ?, ?)", (now, now))
db.commit()
PY
hang_seen() { ls "$T"/chat/*-hang.json >/dev/null 2>&1; }
wait_for 20 "serve to reach the hanging receiver" hang_seen
kill -TERM "$YM_PID"
serve_gone() { ! kill -0 "$YM_PID" 2>/dev/null; }
# curl's own limit is 30 s per transfer; the stop must not wait for it
wait_for 15 "yamori serve to stop while a transfer hangs" serve_gone
"${Y[@]}" list --json --tenant slow >"$T/list.json"
check <<'PY' || fail "the abandoned notification: $(cat "$T/list.json")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][0]
assert r["state"] == "pending" and r["rounds"] == 0, r
assert [a["answer"] for a in r["attempts"]] == ["abandoned: yamori is stopping"], r
PY
log "PASS"
