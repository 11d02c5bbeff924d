#!/usr/bin/env bash
# bench/ingest: 1,000,000 Cisco-ASA-like lines over one TCP connection into
# `yamori serve`, then the same lines into rsyslog (Debian, writing a plain
# file) in the same run. Prints lines/s until the last line is committed
# (yamori: durably in the archive; rsyslog: written to its file), CPU
# seconds, peak RSS, bytes on disk and compression ratio, and yamori/rsyslog.
# yamori runs twice per round: as `yamori serve` starts by default (the
# whole pipeline: archive, parse, detection rules, triage) and archive-only
# (`--rules off`: receive, compress, index, chain and commit, which is what
# rsyslog's plain file compares with); MODES="full" or MODES="archive" runs
# one. With RUNS > 1 the round is run that many times and the median
# ratios are printed too. The load average before each round is printed:
# other work on the machine skews the figures.
# Bounded: every wait has a time limit; every daemon is stopped by its PID.
# Usage: bench/ingest/run.sh [YAMORI_BINARY]
# Env: N=1000000 RUNS=1 MODES="full archive", YM_SERVE_ARGS (extra `yamori
# serve` options for both modes, e.g. "--config FILE"; printed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
YAMORI=${1:-$repo/build/yamori}
YAMORI=$(cd "$(dirname "$YAMORI")" && pwd)/$(basename "$YAMORI")
SHARED=${YM_SHARED:-$repo/../shared}
N=${N:-1000000}
RUNS=${RUNS:-1}
MODES=${MODES:-full archive}
SERVE_ARGS=${YM_SERVE_ARGS:-}
RS=${YM_RSYSLOG_ROOT:-/opt/yamori-test/rsyslog}
HZ=$(getconf CLK_TCK)
T=$(mktemp -d /tmp/yamori-bench-ingest.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
input=/tmp/yamori-bench-asa-$N.log
[ -s "$input" ] || python3 "$SHARED/bench/peers/gen_asa.py" "$N" "$input" 42
raw_bytes=$(stat -c %s "$input")

now() { date +%s.%N; }
cpu_s() { awk -v hz="$HZ" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
peak_rss_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
listening() { ss -Htln "sport = :${1:-$port}" | grep -q .; }
wait_listen() { for _ in $(seq 1 300); do listening "${1:-$port}" && return 0; sleep 0.1; done; return 1; }

# run_yamori [EXTRA_ARGS]: sets ym_rate ym_cpu ym_rss ym_disk
run_yamori() {
    local extra=${1:-}
    port=$(free_port)
    local relp_port http_port
    relp_port=$(free_port)
    http_port=$(free_port)
    rm -rf "$T/ym"
    # shellcheck disable=SC2086 # SERVE_ARGS is a list of options
    "$YAMORI" serve --data "$T/ym" --stats-every 20 --syslog 127.0.0.1:$port \
        --relp 127.0.0.1:$relp_port --http 127.0.0.1:$http_port $SERVE_ARGS $extra >"$T/ym.log" 2>&1 &
    local ym=$!
    pids+=($ym)
    wait_listen || { cat "$T/ym.log"; echo "yamori did not listen"; exit 1; }
    # the portal starts last (it may make a certificate first): let it
    # finish before the clock starts, unless it is off
    case " $SERVE_ARGS " in *" --http off "*) ;; *) wait_listen "$http_port" || true ;; esac
    local t0 t1 sender
    t0=$(now)
    nc -q 1 127.0.0.1 "$port" <"$input" &
    sender=$!
    t1=$(python3 "$here/wait_count.py" yamori "$T/ym/state.db" "$N" 600) || { echo "yamori: timed out"; tail "$T/ym.log"; exit 1; }
    wait $sender
    ym_cpu=$(cpu_s $ym); ym_rss=$(peak_rss_mib $ym)
    kill -TERM $ym; for _ in $(seq 1 600); do kill -0 $ym 2>/dev/null || break; sleep 0.1; done
    ym_disk=$(du -sb "$T/ym/archive" | cut -f1)
    ym_rate=$(python3 -c "print(int($N / ($t1 - $t0)))")
}

# run_rsyslog (plain file, defaults; the peer configuration of shared/bench):
# sets rs_rate rs_cpu rs_rss rs_disk
run_rsyslog() {
    port=$(free_port)
    rm -rf "$T/rs"
    mkdir -p "$T/rs/work" "$T/rs/out"
    sed -e "s#/tmp/anchors/work#$T/rs/work#; s#/tmp/anchors/out/out.log#$T/rs/out/out.log#; s#15514#$port#" \
        "$SHARED/bench/peers/rsyslog-tcp.conf" >"$T/rs/rsyslog.conf"
    local moddir rs t0 t1 sender
    moddir=$(dirname "$(find "$RS" -name imtcp.so | head -1)")
    "$RS/usr/sbin/rsyslogd" -n -i "$T/rs/pid" -M "$moddir" -f "$T/rs/rsyslog.conf" >"$T/rs/log" 2>&1 &
    rs=$!
    pids+=($rs)
    wait_listen || { cat "$T/rs/log"; echo "rsyslog did not listen"; exit 1; }
    t0=$(now)
    nc -q 1 127.0.0.1 "$port" <"$input" &
    sender=$!
    t1=$(python3 "$here/wait_count.py" file "$T/rs/out/out.log" "$N" 600) || { echo "rsyslog: timed out"; exit 1; }
    wait $sender
    rs_cpu=$(cpu_s $rs); rs_rss=$(peak_rss_mib $rs)
    kill -TERM $rs; for _ in $(seq 1 100); do kill -0 $rs 2>/dev/null || break; sleep 0.1; done
    rs_disk=$(stat -c %s "$T/rs/out/out.log")
    rs_rate=$(python3 -c "print(int($N / ($t1 - $t0)))")
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : sprintf("%.2f", (v[NR/2]+v[NR/2+1])/2)}'; }
ratio() { python3 -c "print('%.2f' % ($1/$2))"; }
row() { # run peer rate cpu rss disk [load]
    printf '%-4d %-15s %12d %8s %10s %14d %8.1f %6s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$(python3 -c "print($raw_bytes/$6)")" "${7:-}"
}

printf '\nbench/ingest: %d ASA-like lines (%d bytes) over one TCP connection, %s\n' "$N" "$raw_bytes" "$(date -u +%FT%TZ)"
printf 'yamori modes: %s; extra serve options: %s\n' "$MODES" "${SERVE_ARGS:-(none)}"
printf '%-4s %-15s %12s %8s %10s %14s %8s %6s\n' run peer lines/s cpu_s rss_MiB disk_bytes ratio load1
full_ratios=() arch_ratios=()
for run in $(seq 1 "$RUNS"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    case " $MODES " in *" full "*)
        run_yamori
        f_rate=$ym_rate; row "$run" "yamori" "$ym_rate" "$ym_cpu" "$ym_rss" "$ym_disk" "$load" ;;
    esac
    case " $MODES " in *" archive "*)
        run_yamori "--rules off"
        a_rate=$ym_rate; row "$run" "yamori-archive" "$ym_rate" "$ym_cpu" "$ym_rss" "$ym_disk" ;;
    esac
    run_rsyslog
    row "$run" rsyslog "$rs_rate" "$rs_cpu" "$rs_rss" "$rs_disk"
    case " $MODES " in *" full "*)
        full_ratios+=("$(ratio "$f_rate" "$rs_rate")")
        printf '%-4d yamori/rsyslog rate: %sx (whole pipeline: archive, parse, rules, triage)\n' "$run" "${full_ratios[-1]}" ;;
    esac
    case " $MODES " in *" archive "*)
        arch_ratios+=("$(ratio "$a_rate" "$rs_rate")")
        printf '%-4d yamori-archive/rsyslog rate: %sx (--rules off)\n' "$run" "${arch_ratios[-1]}" ;;
    esac
done
[ ${#full_ratios[@]} -gt 0 ] && printf 'median yamori/rsyslog rate over %d run(s): %sx (whole pipeline)\n' "$RUNS" "$(median "${full_ratios[@]}")"
[ ${#arch_ratios[@]} -gt 0 ] && printf 'median yamori-archive/rsyslog rate over %d run(s): %sx (archive only)\n' "$RUNS" "$(median "${arch_ratios[@]}")"
printf 'targets (issue 2, archiving): >= 1.0x rsyslog, compression >= 10:1, peak RSS <= 200 MiB\n'
