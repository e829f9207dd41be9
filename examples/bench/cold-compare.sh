#!/usr/bin/env bash
# Buffered 4 KiB random reads at depth 32 from a cold page cache, fio beside the bench tool, alternating round by
# round. Both windows start cold, after any warm-up: fio runs with no ramp (--ramp_time=0) on a file whose pages were
# just dropped (posix_fadvise DONTNEED, and fio's --invalidate=1); the bench warms up on the file (JIT, first
# collections), then drops its pages itself (--cold true) and starts the window. The shared compare.sh's cold4k
# does not do this: its bench and fio both warm up on the file, so their windows start partly cached, and the faster
# engine caches more of the file (at 300k IOPS the window is mostly page-cache hits).
#
# usage: examples/bench/cold-compare.sh [--rounds N] [--runtime S] [--warmup S] [--jar PATH]
#                                       [--fio-engines libaio,io_uring] [--java-opts "OPTS"] [--witness true]
#   --java-opts  JVM options for the bench (default: -Dio.nettyaio.engine=io_uring, the engine this workload is for)
#   --witness    run every fio and bench window beside an idle Netty io_uring loop (with-witness.sh) and print that
#                loop's worst stall per round: how late this machine wakes a loop that sleeps during the same I/O
# Output: one line per engine (medians), the bench's loop_stall_us_max per round, then RATIO lines against each fio
# engine ("fio" is libaio, "fio-io_uring" io_uring). Run from the project root after './mvnw -q package -DskipTests';
# needs fio and python3. The 1 GiB file under target/bench stays (delete it with the target directory).
set -euo pipefail
rounds=3 runtime=2 warmup=3 jar=examples/target/netty-aio-examples.jar fio_engines=libaio,io_uring witness=false
jopts="-Dio.nettyaio.engine=io_uring"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;; --runtime) runtime=$2; shift 2;; --warmup) warmup=$2; shift 2;;
    --jar) jar=$2; shift 2;; --fio-engines) fio_engines=$2; shift 2;; --java-opts) jopts=$2; shift 2;;
    --witness) witness=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[ -f "$jar" ] || { echo "$jar not found: build with ./mvnw -q package -DskipTests" >&2; exit 2; }
command -v fio > /dev/null || { echo "fio not found (apt-get install -y fio)" >&2; exit 2; }
file=target/bench/compare.dat size=1073741824
mkdir -p target/bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -lt $size ]; then
  fio --name=layout --filename="$file" --size=$size --rw=write --bs=1M --direct=1 --output=/dev/null
fi
wrap=()
[ "$witness" = true ] && wrap=(examples/bench/with-witness.sh --jar "$jar" --)
evict() { python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)' "$file"; }
echo "# $(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  for fe in ${fio_engines//,/ }; do
    evict
    "${wrap[@]}" fio --name=cold --filename="$file" --size=$size --ioengine="$fe" --direct=0 --rw=randread --bs=4096 \
        --iodepth=32 --time_based=1 --ramp_time=0 --runtime="$runtime" --randrepeat=0 --invalidate=1 \
        --output-format=json > "$out/fio-$fe.$r.json" 2> "$out/fio-$fe.$r.err"
  done
  # shellcheck disable=SC2086
  "${wrap[@]}" java $jopts -jar "$jar" bench --engine aio --rw randread --bs 4096 --iodepth 32 --direct false --size $size \
       --file "$file" --runtime "$runtime" --warmup "$warmup" --cold true --json > "$out/aio.$r.json" 2> "$out/aio.$r.err"
done
echo "# load after $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "$rounds" "$fio_engines" <<'PY'
import json, statistics, sys
out, rounds, fio_engines = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
def fio(p):
    j = json.load(open(p))["jobs"][0]; r = j["read"]; secs = r["runtime"] / 1000.0 or 1
    return {"iops": r["iops"], "cpu_us_per_op": (j["usr_cpu"] + j["sys_cpu"]) / 100.0 * secs / (r["iops"] * secs) * 1e6,
            "p99_us": r["clat_ns"].get("percentile", {}).get("99.000000", 0) / 1e3}
def bench(p):
    d = json.load(open(p))
    return {"iops": d["iops"], "cpu_us_per_op": d["cpu_us_per_op"], "p99_us": d.get("lat_us_p99", 0),
            "stall": d.get("loop_stall_us_max", 0), "engine": d.get("io_engine", "?")}
res = {("fio" if fe == "libaio" else "fio-" + fe): [fio(f"{out}/fio-{fe}.{r}.json") for r in range(1, rounds + 1)]
       for fe in fio_engines}
res["aio"] = [bench(f"{out}/aio.{r}.json") for r in range(1, rounds + 1)]
med = {e: {k: statistics.median(x[k] for x in rs) for k in ("iops", "cpu_us_per_op", "p99_us")} for e, rs in res.items()}
for e, m in med.items():
    print(f"cold4k {e:13s} iops={m['iops']:.0f} cpu_us_per_op={m['cpu_us_per_op']:.2f} p99_us={m['p99_us']:.0f} "
          f"rounds={[round(x['iops']) for x in res[e]]}")
print(f"cold4k aio io_engine={res['aio'][0]['engine']} loop_stall_us_max per round: "
      f"{[round(x['stall']) for x in res['aio']]}")
def witness(p):
    try:
        lines = [l for l in open(p) if l.startswith("WITNESS ")]
    except FileNotFoundError:
        return None
    return int(lines[-1].split("idle_loop_stall_us_max=")[1].split()[0]) if lines else None
wit = {("fio" if fe == "libaio" else "fio-" + fe): [witness(f"{out}/fio-{fe}.{r}.err") for r in range(1, rounds + 1)]
       for fe in fio_engines}
wit["aio"] = [witness(f"{out}/aio.{r}.err") for r in range(1, rounds + 1)]
if any(v is not None for vs in wit.values() for v in vs):
    for e, vs in wit.items():
        print(f"cold4k witness: an idle Netty io_uring loop's stall (us) per round during {e}: {vs}")
for e in med:
    if e != "aio":
        print(f"RATIO cold4k aio/{e} iops={med['aio']['iops'] / med[e]['iops']:.3f} "
              f"cpu_per_op={med['aio']['cpu_us_per_op'] / med[e]['cpu_us_per_op']:.3f}")
PY
