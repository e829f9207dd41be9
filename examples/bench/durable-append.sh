#!/usr/bin/env bash
# Durable 4 KiB appends: 'write + fdatasync' against one RWF_DSYNC write (AioRequestOptions.DSYNC), at depth 1 and
# 8, O_DIRECT into space reserved with allocate() and buffered, on the disk (a directory under target/) and on a
# loop-device ext4 made for the run (an image under target/, torn down on exit). Each configuration runs --rounds
# times, alternating; the medians are printed as a Markdown table. Run from the project root after
# './mvnw -q package -DskipTests'; the loop device needs root (without it only the disk is measured).
#
# usage: examples/bench/durable-append.sh [--runtime S] [--warmup S] [--rounds N] [--engines LIST] [--devices LIST]
#                                          [--jar PATH]
set -euo pipefail
runtime=3 warmup=1 rounds=3 engines=linux-aio,io_uring wanted=disk,loop jar=examples/target/netty-aio-examples.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --runtime) runtime=$2; shift 2;; --warmup) warmup=$2; shift 2;; --rounds) rounds=$2; shift 2;;
    --engines) engines=$2; shift 2;; --devices) wanted=$2; shift 2;; --jar) jar=$2; shift 2;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
[ -f "$jar" ] || { echo "$jar not found: run ./mvnw -q package -DskipTests first" >&2; exit 2; }
# The examples jar leaves io_uring out (an optional dependency of transport-aio): for the io_uring engine its two
# jars come from the local Maven repository, at the project's Netty version.
netty=$(sed -n 's:.*<netty.version>\(.*\)</netty.version>.*:\1:p' pom.xml | head -1)
m2=${MAVEN_REPO:-$HOME/.m2/repository}/io/netty
arch=$(uname -m | sed 's/aarch64/aarch_64/')
cp="$jar:$m2/netty-transport-classes-io_uring/$netty/netty-transport-classes-io_uring-$netty.jar"
cp="$cp:$m2/netty-transport-native-io_uring/$netty/netty-transport-native-io_uring-$netty-linux-$arch.jar"
base=$(pwd)/target/durable-append
mkdir -p "$base/disk"
out=$(mktemp -d)
loopdev="" mnt="$base/loop" image="$base/ext4.img"
teardown() {
  if [ -n "$loopdev" ]; then
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
    losetup -d "$loopdev" 2>/dev/null || true
  fi
  rm -f "$image"; rmdir "$mnt" 2>/dev/null || true
  rm -rf "$out" "$base/disk"
}
trap teardown EXIT
devices=""
[[ ",$wanted," == *,disk,* ]] && devices="disk"
if [[ ",$wanted," == *,loop,* ]]; then
  if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null; then
    rm -f "$image"; truncate -s 2G "$image"
    mkfs.ext4 -q -F -m 0 "$image"   # -m 0: root may lack CAP_SYS_RESOURCE, reserved blocks would only confuse
    loopdev=$(losetup -f --show "$image")
    mkdir -p "$mnt"; mount -t ext4 "$loopdev" "$mnt"
    devices="$devices loop"
  else
    echo "# no loop device (needs root, losetup, mkfs.ext4): the disk only" >&2
  fi
fi
disk_dev=$(findmnt -no SOURCE -T "$base/disk")
echo "# $(date -u +%FT%TZ) kernel $(uname -r), $(nproc) CPUs; disk: $disk_dev on $(findmnt -no FSTYPE -T "$base/disk"), scheduler $(cat /sys/block/"$(basename "$disk_dev")"/queue/scheduler 2>/dev/null || echo '?'), write cache $(cat /sys/block/"$(basename "$disk_dev")"/queue/write_cache 2>/dev/null || echo '?'), fua $(cat /sys/block/"$(basename "$disk_dev")"/queue/fua 2>/dev/null || echo '?')"
[ -n "$loopdev" ] && echo "# loop: $loopdev (image $image on the disk, 2 GiB, ext4), scheduler $(cat /sys/block/"$(basename "$loopdev")"/queue/scheduler)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for device in $devices; do
  dir="$base/disk"; [ "$device" = loop ] && dir="$mnt"
  for engine in ${engines//,/ }; do
    for layout in direct buffered; do
      flag=""; [ "$layout" = direct ] && flag="--direct"
      # A failed configuration is reported and the others still run (the table leaves it out)
      java -Dio.nettyaio.engine="$engine" -cp "$cp" io.nettyaio.examples.Main durable-append "$dir" $flag \
           --runtime "$runtime" --warmup "$warmup" --rounds "$rounds" > "$out/$device.$engine.$layout.txt" \
        || echo "# $device $engine $layout: failed, see above" >&2
      sed "s/^/# $device $layout: /" "$out/$device.$engine.$layout.txt" | { grep '^# .* RUN' >&2 || true; }
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'PY'
import os, statistics, sys
out = sys.argv[1]
runs = {}
for f in sorted(os.listdir(out)):
    device, _, layout, _ = f.split(".")
    for line in open(os.path.join(out, f)):
        if not line.startswith("RUN "): continue
        kv = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
        runs.setdefault((device, kv["engine"], layout, int(kv["depth"]), kv["sync"]), []).append(kv)
def med(k, field):
    return statistics.median(float(r[field]) for r in runs[k])
print("| device | engine | layout | depth | fdatasync rec/s | p50 µs | p99 µs | DSYNC rec/s | p50 µs | p99 µs "
      "| DSYNC/fdatasync rec/s | DSYNC on a blocking thread | runs |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
keys = sorted({k[:4] for k in runs}, key=lambda k: (k[0] != "disk", k[1], k[2] != "direct", k[3]))
for k in keys:
    f, d = k + ("fdatasync",), k + ("dsync",)
    if f not in runs or d not in runs: continue
    ratio = med(d, "records_per_s") / max(1.0, med(f, "records_per_s"))
    layout = "O_DIRECT, preallocated" if k[2] == "direct" else "buffered"
    lane = "yes" if med(d, "lane_ops") >= 0.5 else "no"
    short = any("space_ran_out" in r for r in runs[f] + runs[d])
    print(f"| {k[0]} | {k[1]} | {layout} | {k[3]} | {med(f, 'records_per_s'):,.0f} | {med(f, 'p50_us'):,.0f} | "
          f"{med(f, 'p99_us'):,.0f} | {med(d, 'records_per_s'):,.0f} | {med(d, 'p50_us'):,.0f} | "
          f"{med(d, 'p99_us'):,.0f} | **{ratio:.2f}**{' (space ran out)' if short else ''} | {lane} | "
          f"{len(runs[d])} |")
PY
