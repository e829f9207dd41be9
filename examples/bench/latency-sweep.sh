#!/usr/bin/env bash
# The latency sweep of BENCHMARKS.md: 4 KiB O_DIRECT random reads and writes at several depths, fio (libaio) beside
# the bench tool's aio engine with the default submission policy and with each fixed io.nettyaio.submitBatch, all in
# one run, alternating within each round so that machine noise hits all alike. Then, with --strace, the system calls
# per request of the default at depths 1 and 32 (strace -c -f), beside fio's.
#
# usage: examples/bench/latency-sweep.sh [--device disk|ram] [--depths 1,4,32,128] [--rw randread,randwrite]
#                                        [--batches default,0,1,4,8,16] [--rounds N] [--runtime S] [--warmup S]
#                                        [--jar PATH] [--base-jar PATH] [--strace] [--java-opts "OPTS"]
#                                        [--load PERCENT]
#   --device disk   a 1 GiB file under ./target/bench (default); ram: a 1 GiB file on ext4 over zram (root)
#   --batches       "default" runs without the property; a number N runs with -Dio.nettyaio.submitBatch=N;
#                   "getevents" runs with -Dio.nettyaio.waitInGetevents=true (the default since a later build),
#                   "eventfd" with -Dio.nettyaio.waitInGetevents=false (poll + read of the eventfd); "native" runs
#                   the bench's native engine (the Linux AIO binding on one thread, no Netty: Artemis-class);
#                   "busypollN" runs with -Dio.nettyaio.busyPollMicros=N (the loop polls N us before it sleeps);
#                   "sliceN" with -Dio.nettyaio.loopSliceMicros=N (slice0: the kernel's default time slice)
#   --load PERCENT  a second process keeps every core busy PERCENT of the time for the whole run (cpu-load.sh)
#   --base-jar      also runs this jar (an earlier build, "before") with its defaults, as engine aio-base
#   --strace        after the sweep, counts io_submit, io_getevents, poll and read calls per request (the default,
#                   and fio) at depths 1 and 32 on random reads
# Output: one line per depth, pattern and engine (medians of the rounds), then a SWEEP line per depth and pattern:
#   the default against the best fixed batch and against fio; and SYSCALLS lines.
# Run from the project root. Needs fio, strace (for --strace) and python3. Cleans up the zram device on exit; the
# disk file stays under target/bench (delete it with the target directory).
set -euo pipefail
device=disk depths=1,4,32,128 rws=randread,randwrite batches=default,0,1,4,8,16 rounds=3 runtime=5 warmup=2
jar=examples/target/netty-aio-examples.jar base_jar="" do_strace=0 jopts="" load=""
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=$2; shift 2;; --depths) depths=$2; shift 2;; --rw) rws=$2; shift 2;;
    --batches) batches=$2; shift 2;; --rounds) rounds=$2; shift 2;; --runtime) runtime=$2; shift 2;;
    --warmup) warmup=$2; shift 2;; --jar) jar=$2; shift 2;; --strace) do_strace=1; shift;;
    --base-jar) base_jar=$2; shift 2;;
    --java-opts) jopts=$2; shift 2;; --load) load=$2; shift 2;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
command -v fio >/dev/null || { echo "fio is missing: apt-get install -y fio" >&2; exit 2; }
[ -f "$jar" ] || { echo "$jar is missing: ./mvnw -B -q -ntp -o package -DskipTests" >&2; exit 2; }
size=$((1024*1024*1024))
mnt="" out=$(mktemp -d) load_pid=""
cleanup() {
  if [ -n "$load_pid" ]; then kill "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
  if [ -n "$mnt" ]; then umount "$mnt" 2>/dev/null || true; echo 1 > /sys/block/zram0/reset 2>/dev/null || true; rmdir "$mnt" 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT
if [ "$device" = ram ]; then
  [ "$(id -u)" = 0 ] || { echo "--device ram needs root" >&2; exit 2; }
  [ "$(cat /sys/block/zram0/disksize)" = 0 ] || { echo "zram0 is in use; not touching it" >&2; exit 2; }
  echo 2G > /sys/block/zram0/disksize
  mkfs.ext4 -q -F /dev/zram0
  mnt=$(mktemp -d /mnt/netty-aio-sweep.XXXXXX); mount /dev/zram0 "$mnt"
  dir=$mnt
else
  dir=target/bench; mkdir -p "$dir"
fi
file=$dir/compare.dat
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -lt "$size" ]; then
  head -c "$size" /dev/urandom > "$file"; sync
fi
if [ -n "$load" ]; then
  "$(dirname "$0")/cpu-load.sh" "$load" 86400 & load_pid=$!
  sleep 2 # the burners are running before the first measurement
fi
echo "# device=$device load=${load:-none} $(uptime)"
fio_run() { # rw depth json [extra fio args]
  fio --name=sweep --filename="$file" --size="$size" --ioengine=libaio --direct=1 --rw="$1" --bs=4096 \
      --iodepth="$2" --time_based=1 --ramp_time="$warmup" --runtime="$runtime" --randrepeat=0 --invalidate=1 \
      --lat_percentiles=1 --output-format=json > "$3" 2>/dev/null || echo "# fio $1 qd$2 failed" >&2
}
bench_run() { # rw depth batch json
  local prop="" j=$jar engine=aio
  case "$3" in
    native) engine=native;;
    default) ;; base) j=$base_jar;; getevents) prop="-Dio.nettyaio.waitInGetevents=true";; eventfd) prop="-Dio.nettyaio.waitInGetevents=false";;
    busypoll*) prop="-Dio.nettyaio.busyPollMicros=${3#busypoll}";;
    slice*) prop="-Dio.nettyaio.loopSliceMicros=${3#slice}";;
    *) prop="-Dio.nettyaio.submitBatch=$3";;
  esac
  # shellcheck disable=SC2086
  java $jopts $prop -jar "$j" bench --engine $engine --rw "$1" --bs 4096 --iodepth "$2" --direct true --size "$size" \
       --file "$file" --runtime "$runtime" --warmup "$warmup" --json > "$4" 2>/dev/null \
    || echo "# bench $1 qd$2 batch=$3 failed" >&2
}
for r in $(seq 1 "$rounds"); do
  for rw in ${rws//,/ }; do
    for d in ${depths//,/ }; do
      fio_run "$rw" "$d" "$out/$rw.$d.fio.$r.json"
      for b in ${batches//,/ } ${base_jar:+base}; do
        bench_run "$rw" "$d" "$b" "$out/$rw.$d.aio-$b.$r.json"
      done
    done
  done
done
python3 - "$out" "$rws" "$depths" "$batches${base_jar:+,base}" <<'PY'
import json, os, statistics, sys
out, rws, depths, batches = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(","), sys.argv[4].split(",")
def fio(p):
    j = json.load(open(p))["jobs"][0]
    side = "read" if j["read"]["io_bytes"] > 0 else "write"
    s = j[side]; secs = s["runtime"] / 1000.0 or 1; ops = s["iops"] * secs
    # lat (submission + completion), as the bench measures; clat alone is ~0 where io_submit completes (zram)
    pct = s["lat_ns"].get("percentile") or s["clat_ns"].get("percentile", {})
    return {"iops": s["iops"], "p50": pct.get("50.000000", 0) / 1e3, "p99": pct.get("99.000000", 0) / 1e3,
            "cpu": (j["usr_cpu"] + j["sys_cpu"]) / 100.0 * secs / ops * 1e6 if ops else float("nan"), "stall": 0}
def tool(p):
    d = json.load(open(p))
    return {"iops": d["iops"], "p50": d["lat_us_p50"], "p99": d["lat_us_p99"], "cpu": d["cpu_us_per_op"],
            "stall": d.get("loop_stall_us_max") or 0}
for rw in rws:
    for d in depths:
        med = {}
        for e in ["fio"] + ["aio-" + b for b in batches]:
            rs = []
            for f in os.listdir(out):
                if f.startswith(f"{rw}.{d}.{e}.") and f.endswith(".json"):
                    try:
                        rs.append((fio if e == "fio" else tool)(os.path.join(out, f)))
                    except Exception:
                        pass
            if rs:
                med[e] = {k: statistics.median(x[k] for x in rs) for k in rs[0]}
                m = med[e]
                print(f"{rw:9s} qd{d:<4s} {e:12s} iops={m['iops']:8.0f} p50_us={m['p50']:7.1f} p99_us={m['p99']:7.1f} "
                      f"cpu_us_per_op={m['cpu']:6.2f} stall_us_max={m['stall']:7.0f} n={len(rs)}")
        if "fio" in med:
            f = med["fio"]
            for e, m in med.items():
                if e != "fio":
                    print(f"RATIO {rw} qd{d} {e}/fio iops={m['iops'] / f['iops']:.3f} p50_diff_us={m['p50'] - f['p50']:+.1f} "
                          f"p99={m['p99'] / f['p99'] if f['p99'] else float('nan'):.3f} cpu_per_op={m['cpu'] / f['cpu']:.3f}")
        fixed = {e: m for e, m in med.items() if e[4:].isdigit()}
        if "aio-native" in med and "aio-default" in med:
            n, dflt = med["aio-native"], med["aio-default"]
            print(f"NATIVE {rw} qd{d} default/native iops={dflt['iops'] / n['iops']:.3f} "
                  f"p50_diff_us={dflt['p50'] - n['p50']:+.1f} p99={dflt['p99'] / n['p99'] if n['p99'] else float('nan'):.3f} "
                  f"cpu_per_op={dflt['cpu'] / n['cpu']:.3f}")
        if "aio-default" in med and fixed and "fio" in med:
            best = max(fixed, key=lambda e: fixed[e]["iops"])
            dflt, f = med["aio-default"], med["fio"]
            print(f"SWEEP {rw} qd{d} default/best({best[4:]})={dflt['iops'] / fixed[best]['iops']:.3f} "
                  f"default/fio iops={dflt['iops'] / f['iops']:.3f} p50_diff_us={dflt['p50'] - f['p50']:+.1f} "
                  f"p99={dflt['p99'] / f['p99'] if f['p99'] else float('nan'):.3f} cpu_per_op={dflt['cpu'] / f['cpu']:.3f}")
PY
if [ $do_strace = 1 ]; then
  command -v strace >/dev/null || { echo "strace is missing: apt-get install -y strace" >&2; exit 2; }
  calls="io_submit,io_getevents,poll,ppoll,read"
  for d in 1 32; do
    strace -f -c -e trace=$calls -o "$out/strace.fio.$d" fio --name=sweep --filename="$file" --size="$size" \
        --ioengine=libaio --direct=1 --rw=randread --bs=4096 --iodepth="$d" --time_based=1 --runtime="$runtime" \
        --randrepeat=0 --output-format=json > "$out/strace.fio.$d.json" 2>/dev/null
    # shellcheck disable=SC2086
    strace -f -c -e trace=$calls -o "$out/strace.aio.$d" java $jopts -jar "$jar" bench --engine aio --rw randread \
        --bs 4096 --iodepth "$d" --direct true --size "$size" --file "$file" --runtime "$runtime" --warmup 0 \
        --json > "$out/strace.aio.$d.json" 2> "$out/strace.aio.$d.err"
    # strace counts the whole run, so divide by every request of the run: the loop's own count on stderr
    python3 - "$out" "$d" <<'PY'
import json, sys
out, d = sys.argv[1], sys.argv[2]
def counts(p):
    c = {}
    for line in open(p):
        f = line.split()
        if len(f) >= 5 and f[-1] in ("io_submit", "io_getevents", "poll", "ppoll", "read") and f[3].isdigit():
            c[f[-1]] = int(f[3])
    return c
j = json.load(open(f"{out}/strace.fio.{d}.json"))["jobs"][0]["read"]
fio_ops = j["total_ios"] if "total_ios" in j else j["iops"] * j["runtime"] / 1000
import re
m = re.search(r"submitted (\d+)", open(f"{out}/strace.aio.{d}.err").read())
aio_ops = int(m.group(1)) if m else json.load(open(f"{out}/strace.aio.{d}.json"))["ops"]
for name, c, ops in (("fio", counts(f"{out}/strace.fio.{d}"), fio_ops), ("aio", counts(f"{out}/strace.aio.{d}"), aio_ops)):
    per = {k: v / ops for k, v in sorted(c.items())}
    total = sum(per.values())
    print(f"SYSCALLS qd{d} {name:4s} per_request={total:.3f} " + " ".join(f"{k}={v:.3f}" for k, v in per.items())
          + f" (ops={ops:.0f}; read includes the JVM's own reads)")
PY
  done
fi
