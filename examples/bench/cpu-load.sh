#!/usr/bin/env bash
# A second process that keeps every core busy a given share of the time, for the latency sweep's loaded-machine
# runs (the same load for fio and every bench setting, since they alternate under it). One python3 burner per core,
# each busy for PERCENT of every 10 ms period and asleep for the rest. It stops after SECONDS, on SIGTERM, or when
# this script dies (each burner exits once its parent is gone).
#
# usage: examples/bench/cpu-load.sh PERCENT [SECONDS]      e.g. examples/bench/cpu-load.sh 50 600 & ...; kill $!
set -euo pipefail
pct=${1:-} secs=${2:-3600}
int_in() { case "$1" in ''|*[!0-9]*) return 1;; esac; [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
int_in "$pct" 1 100 || { echo "PERCENT: '$pct' (expected: an integer from 1 to 100)" >&2; exit 2; }
int_in "$secs" 1 86400 || { echo "SECONDS: '$secs' (expected: an integer from 1 to 86400)" >&2; exit 2; }
stop() { trap - EXIT TERM INT; kill $(jobs -pr) 2>/dev/null || true; wait 2>/dev/null || true; }
trap 'stop; exit 0' TERM INT
trap stop EXIT
for _ in $(seq 1 "$(nproc)"); do
  python3 -c '
import os, sys, time
period = 0.010
busy, end, parent = int(sys.argv[1]) / 100.0 * period, time.monotonic() + float(sys.argv[2]), os.getppid()
while time.monotonic() < end and os.getppid() == parent:
    start = time.monotonic()
    while time.monotonic() - start < busy:
        pass
    time.sleep(max(0.0, period - (time.monotonic() - start)))
' "$pct" "$secs" &
done
wait
