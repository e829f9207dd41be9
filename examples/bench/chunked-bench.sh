#!/usr/bin/env bash
# The ways people serve files today, side by side in one run, each server on the same single CPU with one event
# loop (nginx: one worker), on loopback:
#   aio          serve --reader aio: AioChunkedFile (this project)
#   chunked-nio  serve --reader chunked-nio: the same Netty pipeline with Netty's ChunkedNioFile (blocking reads
#                on the loop, what Netty's HttpStaticFileServer does with ChunkedFile)
#   sendfile     serve --reader sendfile: Netty's DefaultFileRegion (plain HTTP only)
#   nginx        nginx, one worker, sendfile on (its usual configuration)
#   nginx-aio    the same with `aio threads` (reads or sendfile in nginx's thread pool)
# Workloads, each over plain HTTP/1.1 and over TLS:
#   (a) 4 KiB file from a warm cache: wrk -c32, requests/s
#   (b) 1 MiB file from a warm cache: wrk -c8, MiB/s
#   (c) mixed: 4 clients download distinct 8 MiB files from a cold cache (evicted before each server's run with
#       posix_fadvise(DONTNEED) on those files, via `dd iflag=nocache count=0`), on a disk throttled for every server
#       alike (a blkio cgroup caps the servers' reads at --disk-bps and --disk-iops), while 8 other clients fetch a
#       cached 4 KiB file: the small requests' p50/p99/max latency, and the large downloads' MiB/s.
#
# Run as root from the project root after building the jar:
#   ./mvnw -B -q -pl examples -am package -DskipTests
#   examples/bench/chunked-bench.sh [--rounds 1] [--duration 10s] [--warmup 12s] [--cold-duration 15s]
#                                   [--disk-bps 16m] [--disk-iops 200]
#                                   [--only plain|tls] [--servers "aio chunked-nio sendfile nginx nginx-aio"] [--pin]
#
# Needs wrk, nginx (with threads), openssl, findmnt, taskset, curl and java 17+ (Debian: apt-get install -y wrk
# nginx-light openssl util-linux curl), root and cgroup v1 blkio at /sys/fs/cgroup/blkio. Every server has one
# event loop (serve --threads 1, which also accepts on it) or one worker (nginx), and otherwise the machine as is:
# the JVM's compiler and collector threads, and nginx-aio's thread pool, may run beside it. --pin puts the servers
# on CPU 0 and wrk on CPU 1 (taskset); the JVM then also compiles and collects on CPU 0. Before (a), every server
# is warmed up with --warmup of the same load (12 s by default); before (b), with 5 s of it. Everything stays on
# 127.0.0.1. On exit, whatever it started is stopped, the
# throttle and its cgroup are removed, and the cold files are deleted. A full run takes about 10 minutes.
# Raw outputs and the table: target/chunked-bench/results-<time>/.
set -euo pipefail

ROUNDS=1
DURATION=10s
COLD_DURATION=15s
WARMUP=12s
PIN=0
DISK_BPS=16m
DISK_IOPS=200
ONLY=
SERVERS="aio chunked-nio sendfile nginx nginx-aio"
COLD_FILES=64
COLD_MIB=8
JAR=examples/target/netty-aio-examples.jar
WORK=$(pwd)/target/chunked-bench

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --cold-duration) COLD_DURATION="$2"; shift 2 ;;
        --disk-bps) DISK_BPS="$2"; shift 2 ;;
        --disk-iops) DISK_IOPS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --pin) PIN=1; shift ;;
        --servers) SERVERS="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "chunked-bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$ROUNDS" in ''|*[!0-9]*|0) echo "chunked-bench: --rounds: '$ROUNDS' (expected: a positive integer)" >&2; exit 2 ;; esac
case "$ONLY" in ''|plain|tls) ;; *) echo "chunked-bench: --only: '$ONLY' (expected: plain or tls)" >&2; exit 2 ;; esac
case "$DISK_BPS" in
    *[mM]) DISK_BPS_BYTES=$(( ${DISK_BPS%[mM]} << 20 )) ;;
    *[kK]) DISK_BPS_BYTES=$(( ${DISK_BPS%[kK]} << 10 )) ;;
    *) DISK_BPS_BYTES=$DISK_BPS ;;
esac

for tool in wrk nginx openssl findmnt taskset curl ss java; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "chunked-bench: $tool is not installed (Debian: apt-get install -y wrk nginx-light openssl util-linux" \
            "curl)" >&2
        exit 1
    fi
done
if [ ! -f "$JAR" ]; then
    echo "chunked-bench: $JAR not found; run from the project root after" \
        "./mvnw -B -q -pl examples -am package -DskipTests" >&2
    exit 1
fi
BLKIO=/sys/fs/cgroup/blkio
if [ "$(id -u)" != 0 ] || [ ! -w "$BLKIO/cgroup.procs" ]; then
    echo "chunked-bench: needs root and cgroup v1 blkio at $BLKIO (for the disk throttle)" >&2
    exit 1
fi

ROOT="$WORK/root"
RESULTS="$WORK/results-$(date +%Y%m%d-%H%M%S)"
GROUP="$BLKIO/netty-aio-bench-$$"
mkdir -p "$ROOT/cold" "$RESULTS"
DEVICE=$(findmnt -n -o MAJ:MIN --target "$ROOT" | head -n1 | tr -d ' ')

SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$SERVER_PID" ]; then
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
unthrottle() {
    if [ -d "$GROUP" ]; then
        echo "$DEVICE 0" > "$GROUP/blkio.throttle.read_bps_device" 2>/dev/null || true
        echo "$DEVICE 0" > "$GROUP/blkio.throttle.read_iops_device" 2>/dev/null || true
    fi
}
cleanup() {
    stop_server
    unthrottle
    if [ -d "$GROUP" ]; then
        # Anything left in the group (nothing, once the server is stopped) goes back to the root group.
        while read -r pid; do echo "$pid" > "$BLKIO/cgroup.procs" 2>/dev/null || true; done < "$GROUP/cgroup.procs"
        rmdir "$GROUP" 2>/dev/null || true
    fi
    rm -rf "$ROOT/cold"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$GROUP"

# The files: random bytes. The small ones are kept between runs; the cold set is deleted on exit.
make_file() { # path size
    if [ "$(stat -c %s "$1" 2>/dev/null || echo -1)" != "$2" ]; then
        head -c "$2" /dev/urandom > "$1.tmp" && mv "$1.tmp" "$1"
    fi
}
make_file "$ROOT/4k.bin" 4096
make_file "$ROOT/1m.bin" 1048576
echo "Writing $COLD_FILES files of $COLD_MIB MiB under $ROOT/cold ..."
for i in $(seq 0 $((COLD_FILES - 1))); do
    make_file "$(printf '%s/cold/c%03d.bin' "$ROOT" "$i")" $((COLD_MIB << 20))
done
sync
cat > "$WORK/cold.lua" <<EOF
-- Each request a different file of the cold set, in order: none is asked for twice in a run.
local n = 0
function request()
    local path = string.format("/cold/c%03d.bin", n % $COLD_FILES)
    n = n + 1
    return wrk.format(nil, path)
end
EOF
if [ ! -f "$WORK/key.pem" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" \
        -out "$WORK/cert.pem" -days 30 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>/dev/null
fi

evict_cold() {
    for f in "$ROOT"/cold/*.bin; do
        dd if="$f" iflag=nocache count=0 status=none
    done
}

nginx_conf() { # name port tls(0/1) aio(0/1)
    local dir="$WORK/nginx-$1"
    mkdir -p "$dir/logs"
    local listen="listen 127.0.0.1:$2;"
    if [ "$3" = 1 ]; then
        listen="listen 127.0.0.1:$2 ssl; ssl_certificate $WORK/cert.pem; ssl_certificate_key $WORK/key.pem;"
    fi
    local aio=""
    if [ "$4" = 1 ]; then aio="aio threads;"; fi
    cat > "$dir/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    $aio
    keepalive_requests 1000000;
    keepalive_timeout 65;
    types { application/octet-stream bin; }
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        $listen
        root $ROOT;
    }
}
EOF
    echo "$dir"
}

PORT=18480
# Starts a server inside the throttle's cgroup, pinned to CPU 0; sets SERVER_PID and URL.
start_server() { # name tls(0/1) round
    local attempt
    for attempt in $(seq 30); do
        start_server_once "$@"
        # A machine shared with test suites may have fs.aio-max-nr at 0 for a moment: serve would then run on the
        # fallback engine (blocking threads), which is not what is measured here. Start again until AIO works.
        if [ "$1" != aio ] || grep -q "kernel AIO available" "$SERVER_LOG"; then
            return 0
        fi
        echo "chunked-bench: kernel AIO unavailable for serve ($(grep -o 'unavailable: [^)]*' "$SERVER_LOG" \
            | cut -c1-80)...); starting it again" >&2
        stop_server
        sleep 1
    done
    echo "chunked-bench: kernel AIO stayed unavailable; giving up" >&2
    exit 1
}

start_server_once() { # name tls(0/1) round
    PORT=$((PORT + 1))
    while ss -Htln "sport = :$PORT" | grep -q .; do
        PORT=$((PORT + 1)) # taken by something else
    done
    local scheme=http tlsargs=()
    if [ "$2" = 1 ]; then scheme=https; tlsargs=(--tls --cert "$WORK/cert.pem" --key "$WORK/key.pem"); fi
    URL="$scheme://127.0.0.1:$PORT"
    local log="$RESULTS/$1-$scheme-r$3.server.log"
    SERVER_LOG=$log
    case "$1" in
        aio|chunked-nio|sendfile)
            (echo "$BASHPID" > "$GROUP/cgroup.procs"
             exec "${PIN_SERVER[@]}" java -Xms512m -Xmx512m -jar "$JAR" serve --threads 1 --reader "$1" \
                --port "$PORT" --root "$ROOT" "${tlsargs[@]}") > "$log" 2>&1 &
            ;;
        nginx|nginx-aio)
            local aio=0
            if [ "$1" = nginx-aio ]; then aio=1; fi
            local dir
            dir=$(nginx_conf "$1-$scheme" "$PORT" "$2" "$aio")
            (echo "$BASHPID" > "$GROUP/cgroup.procs"
             exec "${PIN_SERVER[@]}" nginx -p "$dir" -c "$dir/nginx.conf") > "$log" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    for _ in $(seq 300); do
        if curl -skf -o /dev/null "$URL/4k.bin"; then
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "chunked-bench: $1 exited:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "chunked-bench: $1 did not answer within 30 s:" >&2
    cat "$log" >&2
    exit 1
}

PIN_SERVER=(env)
PIN_WRK=(env)
if [ "$PIN" = 1 ]; then
    PIN_SERVER=(taskset -c 0)
    PIN_WRK=(taskset -c 1)
fi
wrk1() {
    "${PIN_WRK[@]}" wrk "$@"
}

# Parses a wrk output into: requests/s, MiB/s, p50 ms, p99 ms, max ms, requests, errors.
parse_wrk() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v
        }
        function mib(v) {
            if (v ~ /GB$/) return substr(v, 1, length(v) - 2) * 1024
            if (v ~ /MB$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /KB$/) return substr(v, 1, length(v) - 2) / 1024
            if (v ~ /B$/) return substr(v, 1, length(v) - 1) / 1048576
            return v
        }
        /^ +Latency +[0-9]/ { max = ms($4) }
        /^ +50% / { p50 = ms($2) }
        /^ +99% / { p99 = ms($2) }
        /requests in/ { total = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /^Transfer\/sec:/ { rate = mib($2) }
        /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        END { printf "%s %.1f %.3f %.3f %.3f %s %d\n", rps, rate, p50, p99, max, total, errors }
    ' "$1"
}

TABLE="$RESULTS/table.tsv"
printf 'round\tprotocol\tserver\ta_4k_req_s\tb_1m_mib_s\tc_small_p50_ms\tc_small_p99_ms\tc_small_max_ms\tc_small_req\tc_cold_mib_s\terrors\n' \
    > "$TABLE"

run_server() { # name tls round
    local name="$1" tls="$2" round="$3" proto=plain
    if [ "$tls" = 1 ]; then proto=tls; fi
    local out="$RESULTS/$name-$proto-r$round"
    start_server "$name" "$tls" "$round"
    # (a) 4 KiB, warm. Every server gets the same warm-up; the JVM needs it to compile the hot path, more so on a
    # busy machine where its compiler threads wait for a CPU.
    wrk1 -t1 -c32 -d"$WARMUP" "$URL/4k.bin" > /dev/null
    wrk1 -t1 -c32 -d"$DURATION" --latency "$URL/4k.bin" > "$out.a.txt"
    # (b) 1 MiB, warm
    wrk1 -t1 -c8 -d5s "$URL/1m.bin" > /dev/null
    wrk1 -t1 -c8 -d"$DURATION" --latency "$URL/1m.bin" > "$out.b.txt"
    # (c) cold downloads on a throttled disk beside small cached requests
    evict_cold
    echo "$DEVICE $DISK_BPS_BYTES" > "$GROUP/blkio.throttle.read_bps_device"
    echo "$DEVICE $DISK_IOPS" > "$GROUP/blkio.throttle.read_iops_device"
    wrk1 -t1 -c4 -d"$COLD_DURATION" --timeout 60s -s "$WORK/cold.lua" "$URL" > "$out.c-cold.txt" &
    local cold=$!
    wrk1 -t1 -c8 -d"$COLD_DURATION" --timeout 30s --latency "$URL/4k.bin" > "$out.c-small.txt"
    wait "$cold" || true
    unthrottle
    stop_server
    local a_rps a_rate a_p50 a_p99 a_max a_n a_err b_rps b_rate b_p50 b_p99 b_max b_n b_err
    local s_rps s_rate s_p50 s_p99 s_max s_n s_err c_rps c_rate c_p50 c_p99 c_max c_n c_err
    read -r a_rps a_rate a_p50 a_p99 a_max a_n a_err < <(parse_wrk "$out.a.txt")
    read -r b_rps b_rate b_p50 b_p99 b_max b_n b_err < <(parse_wrk "$out.b.txt")
    read -r s_rps s_rate s_p50 s_p99 s_max s_n s_err < <(parse_wrk "$out.c-small.txt")
    read -r c_rps c_rate c_p50 c_p99 c_max c_n c_err < <(parse_wrk "$out.c-cold.txt")
    printf '%s\t%s\t%s\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%d\n' "$round" "$proto" "$name" "$a_rps" "$b_rate" "$s_p50" "$s_p99" \
        "$s_max" "$s_n" "$c_rate" $((a_err + b_err + s_err + c_err)) >> "$TABLE"
    printf '  r%s %-5s %-12s (a) %8.0f req/s  (b) %6.0f MiB/s  (c) small p50 %8.3f p99 %8.3f max %8.3f ms (%s req),' \
        "$round" "$proto" "$name" "$a_rps" "$b_rate" "$s_p50" "$s_p99" "$s_max" "$s_n"
    printf ' cold %5.1f MiB/s, errors %d\n' "$c_rate" $((a_err + b_err + s_err + c_err))
}

echo "chunked-bench: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1)," \
    "$(nginx -v 2>&1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "$( [ "$PIN" = 1 ] && echo 'servers on CPU 0, wrk on CPU 1' || echo 'not pinned'); (a) wrk -t1 -c32 -d$DURATION, (b) wrk -t1 -c8 -d$DURATION," \
    "(c) -d$COLD_DURATION: 4 cold clients + 8 small clients, disk throttled to $DISK_BPS/s and $DISK_IOPS IOPS" \
    "on $DEVICE; raw outputs in $RESULTS"
echo "load before: $(uptime)"
start=$SECONDS
REVERSED=$(echo "$SERVERS" | tr ' ' '\n' | tac | tr '\n' ' ')
for round in $(seq "$ROUNDS"); do
    # Every other round in reverse order, so that no server always runs right after the same one.
    order="$SERVERS"
    if [ $((round % 2)) = 0 ]; then order="$REVERSED"; fi
    for tls in 0 1; do
        if [ "$ONLY" = plain ] && [ "$tls" = 1 ]; then continue; fi
        if [ "$ONLY" = tls ] && [ "$tls" = 0 ]; then continue; fi
        for name in $order; do
            if [ "$name" = sendfile ] && [ "$tls" = 1 ]; then continue; fi
            run_server "$name" "$tls" "$round"
        done
    done
done
echo "load after:  $(uptime)"
echo "took $((SECONDS - start)) s"
echo
head -qn1 "$RESULTS"/aio-*-r1.server.log 2>/dev/null || true
echo
# The median of the rounds, per protocol and server (the raw rounds are in table.tsv).
awk -F'\t' -v servers="$SERVERS" '
    function median(list,    n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR == 1 { header = $2; for (c = 3; c <= NF; c++) header = header "\t" $c; next }
    {
        key = $2 "\t" $3
        if (!(key in seen)) { seen[key] = 1; keys[++k] = key }
        for (c = 4; c <= NF; c++) v[key, c] = v[key, c] " " $c
        nf = NF
    }
    END {
        print header
        for (i = 1; i <= k; i++) {
            line = keys[i]
            for (c = 4; c <= nf; c++) line = line "\t" median(v[keys[i], c])
            print line
        }
    }
' "$TABLE" > "$RESULTS/median.tsv"
echo "median of $ROUNDS round(s):"
column -t -s "$(printf '\t')" "$RESULTS/median.tsv"
