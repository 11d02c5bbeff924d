#!/usr/bin/env bash
# Every subcommand answers --help with a usage text on stdout and exit 0,
# and an unknown option with a message on stderr and exit 2.
source "$(dirname "$0")/lib.sh"

"$YAMORI" --help >"$T/help.txt" || fail "yamori --help exited non-zero"
grep -q '^Usage: yamori COMMAND' "$T/help.txt" || fail "yamori --help shows no usage"
cmds=$(awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}' "$T/help.txt")
[ -n "$cmds" ] || fail "no commands listed"
n=0
for c in $cmds; do
    "$YAMORI" "$c" --help >"$T/$c.txt" 2>&1 || fail "yamori $c --help exited non-zero"
    grep -qi "usage: yamori $c" "$T/$c.txt" || fail "yamori $c --help shows no 'Usage: yamori $c'"
    set +e
    "$YAMORI" "$c" --no-such-option >"$T/$c.out" 2>"$T/$c.err"
    rc=$?
    set -e
    [ $rc = 2 ] || fail "yamori $c --no-such-option exited $rc, not 2"
    [ -s "$T/$c.err" ] || fail "yamori $c --no-such-option printed no error"
    n=$((n + 1))
done
set +e
"$YAMORI" no-such-command >/dev/null 2>"$T/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "unknown command" "$T/err" || fail "unknown command not reported"
log "ok: $n commands answer --help"
echo "1 passed, 0 failed"
