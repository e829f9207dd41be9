#!/usr/bin/env bash
# Buffered (page-cache) 4 KiB random reads at depth 32 from a file that is fully cached: fio libaio (buffered),
# bench --engine aio and --engine jdk-async, alternating round by round so that noise hits all alike. Prints the
# medians and the ratios to fio (--invalidate=0: fio would otherwise drop the cache first). Run from the project root after './mvnw -q package -DskipTests'; needs fio.
#
# usage: examples/bench/buffered-compare.sh [--rounds N] [--runtime S] [--jar PATH]
set -euo pipefail
rounds=3 runtime=6 jar=examples/target/netty-aio-examples.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;; --runtime) runtime=$2; shift 2;; --jar) jar=$2; shift 2;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
command -v fio >/dev/null || { echo "fio is missing: apt-get install -y fio" >&2; exit 2; }
[ -f "$jar" ] || { echo "$jar not found: run ./mvnw -q package -DskipTests first" >&2; exit 2; }
size=$((256 * 1024 * 1024))
file=target/bench/buffered.dat
mkdir -p target/bench
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -lt "$size" ]; then head -c "$size" /dev/urandom > "$file"; fi
cat "$file" > /dev/null   # into the page cache
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq 1 "$rounds"); do
  fio --name=buf --filename="$file" --size="$size" --ioengine=libaio --direct=0 --invalidate=0 --rw=randread --bs=4096 \
      --iodepth=32 --time_based=1 --ramp_time=1 --runtime="$runtime" --randrepeat=0 --output-format=json \
      > "$out/fio.$r.json" 2>/dev/null
  for e in aio jdk-async; do
    java -jar "$jar" bench --engine "$e" --rw randread --bs 4k --iodepth 32 --direct false --size "$size" \
         --file "$file" --runtime "$runtime" --warmup 1 --json > "$out/$e.$r.json" 2> "$out/$e.$r.err"
  done
done
python3 - "$out" <<'PY'
import json, os, statistics, sys
out = sys.argv[1]
res = {}
for f in sorted(os.listdir(out)):
    if not f.endswith(".json"): continue
    eng = f.rsplit(".", 2)[0]
    d = json.load(open(os.path.join(out, f)))
    if eng == "fio":
        j = d["jobs"][0]; secs = j["read"]["runtime"] / 1000.0
        ops = j["read"]["iops"] * secs
        r = {"iops": j["read"]["iops"], "cpu": (j["usr_cpu"] + j["sys_cpu"]) / 100.0 * secs / ops * 1e6,
             "stall": float("nan")}
    else:
        r = {"iops": d["iops"], "cpu": d["cpu_us_per_op"], "stall": d["loop_stall_us_max"]}
    res.setdefault(eng, []).append(r)
med = {e: {k: statistics.median(x[k] for x in v) for k in v[0]} for e, v in res.items()}
for e, m in med.items():
    print(f"buffered-randread4k {e:10s} iops={m['iops']:.0f} cpu_us_per_op={m['cpu']:.2f} "
          f"loop_stall_us_max={m['stall']:.0f} n={len(res[e])}")
for e in ("aio", "jdk-async"):
    if e in med and "fio" in med:
        print(f"RATIO buffered-randread4k {e}/fio iops={med[e]['iops']/med['fio']['iops']:.3f} "
              f"cpu_per_op={med[e]['cpu']/med['fio']['cpu']:.3f}")
PY
