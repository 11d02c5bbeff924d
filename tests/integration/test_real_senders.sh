#!/usr/bin/env bash
# Real senders (issue 2): rsyslog (omfwd TCP, omfwd with mutual TLS, omrelp)
# and syslog-ng (network() tcp and tls), installed from Debian, each forward
# COUNT lines to one running yamori; then every line must be found by
# `yamori search`, byte for byte, in the tenant its device belongs to.
source "$(dirname "$0")/lib.sh"

COUNT=${COUNT:-100000}
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$RSYSLOG_ROOT/usr/sbin/rsyslogd" ] || fail "rsyslog not unpacked in $RSYSLOG_ROOT (scripts/install-deps.sh test)"
command -v syslog-ng >/dev/null || fail "syslog-ng not installed (scripts/install-deps.sh test)"

make_certs "$T/pki"
syslog=$(free_port); relp=$(free_port); tls=$(free_port)
cat >"$T/yamori.yaml" <<YAML
data_dir: $T/data
listen:
  syslog: 127.0.0.1:$syslog
  relp: 127.0.0.1:$relp
  tls: 127.0.0.1:$tls
tls:
  cert_file: $T/pki/server.pem
  key_file: $T/pki/server.key
  ca_file: $T/pki/ca.pem
  verify_clients: required
tenants:
  - name: acme
devices:
  - name: lab-relays
    tenant: acme
    kind: syslog
    addresses: [127.0.0.1]
YAML
start_yamori "$T/data" "$T/serve.log" --config "$T/yamori.yaml"
wait_for 30 "yamori listening" port_listening "$tls"

markers="ymkrstcp ymkrstls ymkrsrelp ymksngtcp ymksngtls"
for m in $markers; do python3 "$here/gen_lines.py" "$m" "$COUNT" "$T/in-$m.log" 3000; done

# rsyslog: one instance, one imfile input per output, template = the line as read.
mkdir -p "$T/rs/work"
cat >"$T/rs/rsyslog.conf" <<RS
global(workDirectory="$T/rs/work" maxMessageSize="64k"
       DefaultNetstreamDriverCAFile="$T/pki/ca.pem"
       DefaultNetstreamDriverCertFile="$T/pki/client.pem"
       DefaultNetstreamDriverKeyFile="$T/pki/client.key")
module(load="imfile")
module(load="omrelp")
template(name="line" type="string" string="%rawmsg%\n")
template(name="bare" type="string" string="%rawmsg%")
input(type="imfile" file="$T/in-ymkrstcp.log" tag="a" ruleset="tcp")
input(type="imfile" file="$T/in-ymkrstls.log" tag="b" ruleset="tls")
input(type="imfile" file="$T/in-ymkrsrelp.log" tag="c" ruleset="relp")
ruleset(name="tcp") { action(type="omfwd" target="127.0.0.1" port="$syslog" protocol="tcp" template="line"
                             queue.type="LinkedList" queue.size="200000" action.resumeRetryCount="-1") }
ruleset(name="tls") { action(type="omfwd" target="127.0.0.1" port="$tls" protocol="tcp" template="bare"
                             TCP_Framing="octet-counted" StreamDriver="ossl" StreamDriverMode="1"
                             StreamDriverAuthMode="x509/certvalid"
                             queue.type="LinkedList" queue.size="200000" action.resumeRetryCount="-1") }
ruleset(name="relp") { action(type="omrelp" target="127.0.0.1" port="$relp" template="bare"
                              queue.type="LinkedList" queue.size="200000" action.resumeRetryCount="-1") }
RS
"$RSYSLOG_ROOT/usr/sbin/rsyslogd" -n -i "$T/rs/pid" -M "$(rsyslog_moddir)" -f "$T/rs/rsyslog.conf" \
    >"$T/rs/out.log" 2>&1 &
rs_pid=$!
YM_PIDS+=($rs_pid)

# syslog-ng: file sources read without parsing, the line sent as is.
mkdir -p "$T/sng"
cat >"$T/sng/syslog-ng.conf" <<SNG
@version: 3.38
options { keep-hostname(yes); use-dns(no); stats-freq(0); log-msg-size(65536); };
source s_tcp { file("$T/in-ymksngtcp.log" flags(no-parse) follow-freq(1) log-fetch-limit(1000)); };
source s_tls { file("$T/in-ymksngtls.log" flags(no-parse) follow-freq(1) log-fetch-limit(1000)); };
destination d_tcp { network("127.0.0.1" port($syslog) transport("tcp") template("\${MSG}\n")); };
destination d_tls { network("127.0.0.1" port($tls) transport("tls") template("\${MSG}\n")
    tls(ca-file("$T/pki/ca.pem") key-file("$T/pki/client.key") cert-file("$T/pki/client.pem")
        peer-verify(required-trusted))); };
log { source(s_tcp); destination(d_tcp); flags(flow-control); };
log { source(s_tls); destination(d_tls); flags(flow-control); };
SNG
syslog-ng -F --no-caps -f "$T/sng/syslog-ng.conf" -R "$T/sng/persist" -p "$T/sng/pid" -c "$T/sng/ctl" \
    >"$T/sng/out.log" 2>&1 &
sng_pid=$!
YM_PIDS+=($sng_pid)

status=0
deadline=$(($(date +%s) + 900))
for m in $markers; do
    log "waiting for $COUNT lines of $m"
    while n=$(count_matches "$T/data" "$m"); [ "${n:-0}" -lt "$COUNT" ]; do
        for p in $rs_pid $sng_pid $YM_PID; do
            kill -0 "$p" 2>/dev/null || { tail -20 "$T/rs/out.log" "$T/sng/out.log" "$T/serve.log"; fail "process $p (sender or yamori) died"; }
        done
        if [ "$(date +%s)" -ge "$deadline" ]; then
            log "$m: only ${n:-0} of $COUNT lines arrived"
            status=1
            break
        fi
        sleep 1
    done
done
"$YAMORI" stats --data "$T/data" >"$T/stats.txt" 2>&1 || true
for m in $markers; do
    "$YAMORI" search --data "$T/data" --tenant acme --json --limit 0 "$m" >"$T/out-$m.jsonl"
    printf '%-10s ' "$m"
    python3 "$here/compare_raw.py" "$T/in-$m.log" "$T/out-$m.jsonl" || status=1
done
[ $status = 0 ] || { tail -30 "$T/serve.log" "$T/rs/out.log" "$T/sng/out.log"; fail "some lines were not found byte for byte"; }
log "ok: 5 senders x $COUNT lines found byte for byte"
echo "1 passed, 0 failed"
