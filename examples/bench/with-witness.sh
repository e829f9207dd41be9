#!/usr/bin/env bash
# Runs a command beside a witness: a Netty io_uring event loop that does no I/O and only runs a task due 1 ms after
# its previous run (examples/bench/WakeJitter.java --idle-loop). Afterwards it prints, on stderr, that idle loop's
# worst lateness while the command's window ran: the bench's measured window when the command is the bench tool
# (it prints "bench: measured window A..B"), else the whole command. Beside the bench's loop_stall_us_max it tells
# the library's stalls from the machine's: a loop that sleeps wakes late here whoever does the I/O.
#
# usage: examples/bench/with-witness.sh [--jar PATH] -- COMMAND [ARGS...]
# The command's stdout passes through; its stderr is printed after it ends. The last stderr line is
#   WITNESS idle_loop_stall_us_max=X slices_over_1ms=N of M
# Run from the project root after './mvnw -q package -DskipTests'.
set -euo pipefail
jar=examples/target/netty-aio-examples.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2;; --) shift; break;;
    *) echo "unknown option $1 (expected: [--jar PATH] -- COMMAND...)" >&2; exit 2;;
  esac
done
[ $# -gt 0 ] || { echo "no command given (expected: [--jar PATH] -- COMMAND...)" >&2; exit 2; }
[ -f "$jar" ] || { echo "$jar not found: build with ./mvnw -q package -DskipTests" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
witness=
cleanup() { [ -z "$witness" ] || kill "$witness" 2> /dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
java -cp "$jar" "$here/WakeJitter.java" --idle-loop 3600 > "$tmp/witness" &
witness=$!
# The witness's slices start 0.5 s after its JVM does
for _ in $(seq 1 600); do
  [ -s "$tmp/witness" ] && break
  kill -0 "$witness" 2> /dev/null || { echo "the witness (WakeJitter.java --idle-loop) did not start" >&2; exit 2; }
  sleep 0.05
done
[ -s "$tmp/witness" ] || { echo "the witness printed nothing in 30 s" >&2; exit 2; }
start=$(date +%s%3N)
rc=0
"$@" 2> "$tmp/err" || rc=$?
end=$(date +%s%3N)
sleep 0.2 # the slice holding the end is printed once it is over
kill "$witness" 2> /dev/null || true
wait "$witness" 2> /dev/null || true
witness=
cat "$tmp/err" >&2
window=$(sed -n 's/^bench: measured window \([0-9]*\)\.\.\([0-9]*\) .*/\1 \2/p' "$tmp/err" | tail -1)
[ -n "$window" ] || window="$start $end"
# shellcheck disable=SC2086
set -- $window
awk -v a="$1" -v b="$2" '$1 + 100 > a && $1 < b { n++; if ($2 > m) m = $2; if ($2 > 1000) c++ }
  END { printf "WITNESS idle_loop_stall_us_max=%d slices_over_1ms=%d of %d\n", m, c, n }' "$tmp/witness" >&2
exit $rc
