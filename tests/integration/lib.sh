# Shared helpers for integration tests (sourced). Every wait is bounded and
# polls a condition; nothing sleeps a fixed time to "let things settle".
# Env from ctest: YAMORI (binary), YM_SRC (repo), YM_SHARED, YM_BUILD.
set -euo pipefail

YM_SRC=${YM_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
YAMORI=${YAMORI:-$YM_SRC/build/yamori}
RSYSLOG_ROOT=${YM_RSYSLOG_ROOT:-/opt/yamori-test/rsyslog}
T=$(mktemp -d "${TMPDIR:-/tmp}/yamori-test.XXXXXX")
YM_PIDS=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
    local p
    for p in "${YM_PIDS[@]:-}"; do
        [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${YM_PIDS[@]:-}"; do
        [ -n "$p" ] || continue
        for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
    done
    if [ "${YM_KEEP:-0}" = 1 ]; then log "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

# free_port: prints a TCP+UDP port free on 127.0.0.1 now. Drawn below the
# kernel's ephemeral range, so that the client sockets of concurrent tests
# (senders reconnecting, rsyslog, syslog-ng) cannot take it before yamori
# binds it.
free_port() {
    python3 - <<'PY'
import random, socket
lo = 32768
try:
    lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except OSError:
    pass
while True:
    p = random.randint(10000, lo - 1)
    t = socket.socket(); u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        t.bind(("127.0.0.1", p)); u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

# wait_for SECONDS DESCRIPTION CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
    local secs=$1 what=$2
    shift 2
    local deadline=$(($(date +%s) + secs))
    while ! "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${secs}s waiting for: $what"
        sleep 0.2
    done
}

# port_listening PORT: true when something accepts TCP on 127.0.0.1:PORT.
port_listening() { ss -Htln "sport = :$1" | grep -q .; }

# start_yamori DATA_DIR LOGFILE ARGS...: starts `yamori serve` in the
# background, waits until its syslog TCP port listens; sets YM_PID.
start_yamori() {
    local data=$1 logf=$2
    shift 2
    # The portal's default port is one for the whole machine: a test that
    # wants the portal says --http with a free port, the others turn it off.
    case " $* " in *" --http "*) ;; *) set -- "$@" --http off ;; esac
    "$YAMORI" serve --data "$data" "$@" >>"$logf" 2>&1 &
    YM_PID=$!
    YM_PIDS+=("$YM_PID")
}

stop_yamori() { # PID: orderly stop, bounded
    local p=$1
    kill -TERM "$p" 2>/dev/null || return 0
    for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
    log "yamori $p did not stop in 30 s; killing"
    kill -KILL "$p" 2>/dev/null || true
}

# count_matches DATA QUERY: number of archived logs matching QUERY.
count_matches() { "$YAMORI" search --data "$1" --count "$2" 2>/dev/null; }

# make_certs DIR: a CA, a server cert for 127.0.0.1/localhost, a client cert.
make_certs() {
    local d=$1
    mkdir -p "$d"
    (
        cd "$d"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=yamori test CA" \
            -keyout ca.key -out ca.pem 2>/dev/null
        for who in server client; do
            openssl req -newkey rsa:2048 -nodes -subj "/CN=$who" -keyout $who.key -out $who.csr 2>/dev/null
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext.cnf
            openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
                -extfile ext.cnf -out $who.pem 2>/dev/null
        done
    )
}

rsyslog_moddir() { dirname "$(find "$RSYSLOG_ROOT" -name imtcp.so | head -1)"; }
