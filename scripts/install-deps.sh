#!/usr/bin/env bash
# Installs the Debian 12 packages yamori needs, and only those missing.
#   scripts/install-deps.sh build   compiler, CMake and the libraries
#   scripts/install-deps.sh test    build + cmocka, clang (sanitizers, libFuzzer),
#                                   the real test peers (rsyslog, syslog-ng, ...)
#   scripts/install-deps.sh bench   test + what the benchmarks use
# Safe to run again: it asks apt only when something is missing.
set -euo pipefail

what=${1:-build}
build_pkgs=(build-essential cmake pkg-config git
    libzstd-dev libsqlite3-dev libyaml-dev libjansson-dev libssl-dev libpcre2-dev
    libvectorscan-dev librelp-dev libmicrohttpd-dev libargon2-dev libcurl4-openssl-dev
    openssl ca-certificates)
test_pkgs=(libcmocka-dev clang libclang-rt-14-dev llvm python3 python3-aiosmtpd
    syslog-ng-core netcat-openbsd iproute2 procps psmisc time sqlite3
    librelp0 libestr0 libfastjson4 liblognorm5 libssl3
    chromium fonts-noto-cjk)
bench_pkgs=(wrk hyperfine linux-perf valgrind)

pkgs=("${build_pkgs[@]}")
case $what in
build) ;;
test) pkgs+=("${test_pkgs[@]}") ;;
bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
*) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The portal's build step (scripts/web-build.sh) needs node and npm; a
# machine that has them from elsewhere keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# rsyslog conflicts with syslog-ng-core as Debian packages, and tests use
# both as real senders: rsyslog (with its RELP and TLS modules) is unpacked
# from its .debs into a private tree instead of being installed.
if [ "$what" != build ]; then
    RS=${YM_RSYSLOG_ROOT:-/opt/yamori-test/rsyslog}
    if [ ! -x "$RS/usr/sbin/rsyslogd" ] || [ ! -f "$RS/.complete" ]; then
        echo "install-deps: unpacking rsyslog into $RS"
        tmp=$(mktemp -d)
        chmod 0777 "$tmp"
        (cd "$tmp" && $SUDO apt-get download rsyslog rsyslog-relp rsyslog-openssl)
        $SUDO mkdir -p "$RS"
        for d in "$tmp"/*.deb; do $SUDO dpkg-deb -x "$d" "$RS"; done
        $SUDO touch "$RS/.complete"
        rm -rf "$tmp"
    fi
fi
