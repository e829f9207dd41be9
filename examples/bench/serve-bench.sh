#!/usr/bin/env bash
# Requests/s, MiB/s and p99 latency of `serve` under wrk on loopback, reading files with kernel AIO (--reader aio)
# beside the same server reading them with blocking FileChannel reads on the event loop (--reader blocking), for a
# 4 KiB and a 1 MiB file. Readers alternate within every round, so machine noise hits both alike; the table shows
# the median of the rounds.
#
# Run from the project root after building the jar (this script builds nothing):
#   ./mvnw -q -pl examples -am package -DskipTests
#   examples/bench/serve-bench.sh [--rounds N] [--duration 10s] [--cold]
#
#   --rounds N      rounds per size and reader (default 3)
#   --duration D    wrk run length per measurement (default 10s); each is preceded by a 2 s warm-up
#   --cold          also measure 1 MiB files with a cold page cache (root only): before each cold run the page
#                   cache is dropped (echo 1 > /proc/sys/vm/drop_caches) and wrk walks an 8 GiB set of distinct
#                   1 MiB files for 5 s, so that nearly every request misses the cache. This is where a blocking read
#                   stalls the event loop and every connection on it.
#
# Needs wrk (apt-get install -y wrk) and java. Everything stays on 127.0.0.1; each server is stopped after its
# measurement, and on exit whatever is still running is killed. Files and raw wrk outputs: target/serve-bench/.
# Default run (2 sizes x 2 readers x 3 rounds): about 3 minutes; --cold adds about 1 minute, plus about 40 s the
# first time to write the 8 GiB set (kept under target/ for later runs).
set -euo pipefail

ROUNDS=3
DURATION=10s
COLD=0
COLD_FILES=8192
COLD_DURATION=5s
WARMUP=2s
JAR=examples/target/netty-aio-examples.jar
WORK=target/serve-bench

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --cold) COLD=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "serve-bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$ROUNDS" in
    ''|*[!0-9]*|0) echo "serve-bench: --rounds: '$ROUNDS' (expected: a positive integer)" >&2; exit 2 ;;
esac

if ! command -v wrk >/dev/null 2>&1; then
    echo "serve-bench: wrk is not installed; install it first (Debian/Ubuntu: apt-get install -y wrk)" >&2
    exit 1
fi
if ! command -v java >/dev/null 2>&1; then
    echo "serve-bench: java is not on the PATH" >&2
    exit 1
fi
if [ ! -f "$JAR" ]; then
    echo "serve-bench: $JAR not found; run from the project root after building it:" \
        "./mvnw -q -pl examples -am package -DskipTests" >&2
    exit 1
fi
if [ "$COLD" = 1 ] && ! { [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/drop_caches ]; }; then
    echo "serve-bench: --cold needs root and a writable /proc/sys/vm/drop_caches" >&2
    exit 1
fi

ROOT="$WORK/root"
RESULTS="$WORK/results-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$ROOT" "$RESULTS"

# The files: random bytes, written once and kept between runs.
make_file() { # path size
    if [ "$(stat -c %s "$1" 2>/dev/null || echo -1)" != "$2" ]; then
        head -c "$2" /dev/urandom > "$1.tmp" && mv "$1.tmp" "$1"
    fi
}
make_file "$ROOT/4k.bin" 4096
make_file "$ROOT/1m.bin" 1048576
if [ "$COLD" = 1 ] && [ "$(find "$ROOT/cold" -name '*.bin' -size 1024k 2>/dev/null | wc -l)" != "$COLD_FILES" ]; then
    echo "Writing $COLD_FILES distinct 1 MiB files under $ROOT/cold (once) ..."
    rm -rf "$ROOT/cold" && mkdir -p "$ROOT/cold"
    head -c $((COLD_FILES << 20)) /dev/urandom \
        | split -b 1M -a 5 -d --additional-suffix=.bin - "$ROOT/cold/"
    sync
fi
# wrk walks the cold set: thread t of T asks for files t, t+T, t+2T, ...; no file is asked for twice until the
# whole set has been served once.
cat > "$WORK/cold.lua" <<EOF
local threads = 0
function setup(thread)
    thread:set("tid", threads)
    threads = threads + 1
end
local n = 0
function request()
    local i = (n * 2 + tid) % $COLD_FILES
    n = n + 1
    return wrk.format(nil, string.format("/cold/%05d.bin", i))
end
EOF

SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

# Starts serve on a free loopback port (port 0: the server picks it and prints it); sets PORT.
start_server() { # reader log
    java ${JAVA_OPTS:-} -jar "$JAR" serve --port 0 --bind 127.0.0.1 --root "$ROOT" --reader "$1" > "$2" 2>&1 &
    SERVER_PID=$!
    PORT=
    for _ in $(seq 200); do
        PORT=$(sed -n 's|^Serving .* on http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$2")
        [ -n "$PORT" ] && break
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "serve-bench: the server exited:" >&2
            cat "$2" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [ -z "$PORT" ]; then
        echo "serve-bench: the server did not start within 20 s:" >&2
        cat "$2" >&2
        exit 1
    fi
}

# Parses a wrk output into: requests/s, p99 latency in ms, total requests, errors (socket errors + non-2xx/3xx).
parse_wrk() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v
        }
        /^ +99% / { p99 = ms($2) }
        /requests in/ { total = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        END { printf "%s %s %s %d\n", rps, p99, total, errors }
    ' "$1"
}

# One measurement: start the server, warm up, optionally drop the page cache, run wrk, stop; appends to results.tsv.
measure() { # case reader round path bytes duration cold(0/1)
    local label="$1-$2-r$3"
    start_server "$2" "$RESULTS/$label.server.log"
    local script=()
    if [ "$7" = 1 ]; then
        # Warm the JIT up on the (cached) 1 MiB file, then empty the page cache.
        wrk -t2 -c64 -d"$WARMUP" "http://127.0.0.1:$PORT/1m.bin" > /dev/null
        sync
        echo 1 > /proc/sys/vm/drop_caches
        script=(-s "$WORK/cold.lua")
    else
        wrk -t2 -c64 -d"$WARMUP" "http://127.0.0.1:$PORT$4" > /dev/null
    fi
    wrk -t2 -c64 -d"$6" --latency "${script[@]}" "http://127.0.0.1:$PORT$4" > "$RESULTS/$label.wrk.txt"
    stop_server
    read -r rps p99 total errors < <(parse_wrk "$RESULTS/$label.wrk.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$rps" "$p99" "$total" "$errors" "$5" \
        >> "$RESULTS/results.tsv"
    printf '  %-8s %-9s round %s: %10.1f req/s  p99 %8.2f ms  (%s requests, %s errors)\n' \
        "$1" "$2" "$3" "$rps" "$p99" "$total" "$errors"
}

echo "serve-bench: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1)"
echo "load before: $(uptime)"
echo "wrk -t2 -c64 -d$DURATION --latency, $ROUNDS rounds, readers alternating; raw outputs in $RESULTS"
start=$SECONDS
for round in $(seq "$ROUNDS"); do
    # Alternate which reader goes first, so neither always runs right after the other.
    if [ $((round % 2)) = 1 ]; then readers="aio blocking"; else readers="blocking aio"; fi
    for r in $readers; do measure 4k "$r" "$round" /4k.bin 4096 "$DURATION" 0; done
    for r in $readers; do measure 1m "$r" "$round" /1m.bin 1048576 "$DURATION" 0; done
    if [ "$COLD" = 1 ]; then
        for r in $readers; do measure 1m-cold "$r" "$round" /cold/ 1048576 "$COLD_DURATION" 1; done
    fi
done
head -qn1 "$RESULTS"/4k-*-r1.server.log
echo "load after:  $(uptime)"
echo "took $((SECONDS - start)) s"
echo

# The table: medians over the rounds. MiB/s counts response bodies only (req/s x file size).
awk -F'\t' -v files="$COLD_FILES" '
    function median(list,    a, n, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    {
        k = $1 SUBSEP $2
        if (!(k in rps)) { order[++cases] = k }
        rps[k] = rps[k] " " $4; p99[k] = p99[k] " " $5; errs[k] += $7; bytes[k] = $8
        if ($1 ~ /cold/ && $6 > files) wrapped[k] = 1
    }
    END {
        print "| case | reader | req/s | MiB/s | p99 latency (ms) | req/s per round | errors |"
        print "|---|---|---:|---:|---:|---|---:|"
        for (i = 1; i <= cases; i++) {
            k = order[i]; split(k, kr, SUBSEP)
            r = median(rps[k]); mr[k] = r; mp[k] = median(p99[k])
            rounds = rps[k]; gsub(/^ /, "", rounds); gsub(/ /, ", ", rounds)
            printf "| %s | %s | %.0f | %.1f | %.2f | %s | %d |\n", kr[1], kr[2], r, r * bytes[k] / 1048576, mp[k],
                rounds, errs[k]
        }
        print ""
        print "| case | aio/blocking req/s | aio/blocking p99 |"
        print "|---|---:|---:|"
        for (i = 1; i <= cases; i++) {
            k = order[i]; split(k, kr, SUBSEP)
            if (kr[2] != "aio") continue
            b = kr[1] SUBSEP "blocking"
            if (!(b in mr)) continue
            printf "| %s | %.2f | %.2f |\n", kr[1], mr[b] ? mr[k] / mr[b] : 0, mp[b] ? mp[k] / mp[b] : 0
        }
        for (k in wrapped) {
            split(k, kr, SUBSEP)
            printf "\nnote: %s %s asked for more than the %d cold files: part of its requests hit the cache\n",
                kr[1], kr[2], files
        }
    }
' "$RESULTS/results.tsv" | tee "$RESULTS/table.md"
