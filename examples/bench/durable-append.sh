#!/usr/bin/env bash
# Durable 4 KiB appends: 'write + fdatasync' against one RWF_DSYNC write (AioRequestOptions.DSYNC), at depth 1 and
# 8, O_DIRECT into space reserved with allocate() and buffered, on the disk (a directory under target/) and on a
# loop-device ext4 made for the run (an image under target/, torn down on exit). Each configuration runs --rounds
# times, alternating; the medians are printed as a Markdown table. Run from the project root after
# './mvnw -q package -DskipTests'; the loop device needs root (without it only the disk is measured).
#
# usage: examples/bench/durable-append.sh [--runtime S] [--warmup S] [--rounds N] [--engines LIST] [--jar PATH]
set -euo pipefail
runtime=3 warmup=1 rounds=3 engines=linux-aio,io_uring jar=examples/target/netty-aio-examples.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --runtime) runtime=$2; shift 2;; --warmup) warmup=$2; shift 2;; --rounds) rounds=$2; shift 2;;
    --engines) engines=$2; shift 2;; --jar) jar=$2; shift 2;;
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
devices="disk"
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null; then
  rm -f "$image"; truncate -s 2G "$image"
  mkfs.ext4 -q -F -m 0 "$image"   # -m 0: root may lack CAP_SYS_RESOURCE, reserved blocks would only confuse
  loopdev=$(losetup -f --show "$image")
  mkdir -p "$mnt"; mount -t ext4 "$loopdev" "$mnt"
  devices="disk loop"
else
  echo "# no loop device (needs root, losetup, mkfs.ext4): the disk only" >&2
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
      java -Dio.nettyaio.engine="$engine" -cp "$cp" io.nettyaio.examples.Main durable-append "$dir" $flag \
           --runtime "$runtime" --warmup "$warmup" --rounds "$rounds" > "$out/$device.$engine.$layout.txt"
      sed "s/^/# $device $layout: /" "$out/$device.$engine.$layout.txt" | { grep '^# .* RUN' >&2 || true; }
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'PY'
import os, sys
out = sys.argv[1]
rows = {}
for f in sorted(os.listdir(out)):
    device, engine, layout, _ = f.split(".")
    for line in open(os.path.join(out, f)):
        if not line.startswith("MEDIAN "): continue
        kv = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
        rows[(device, kv["engine"], layout, int(kv["depth"]), kv["sync"])] = kv
print("| device | engine | layout | depth | fdatasync rec/s | p50 µs | p99 µs | DSYNC rec/s | p50 µs | p99 µs | DSYNC/fdatasync rec/s | DSYNC on a blocking thread |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
keys = sorted({k[:4] for k in rows}, key=lambda k: (k[0] != "disk", k[1], k[2] != "direct", k[3]))
for k in keys:
    f, d = rows.get(k + ("fdatasync",)), rows.get(k + ("dsync",))
    if not f or not d: continue
    ratio = float(d["records_per_s"]) / max(1.0, float(f["records_per_s"]))
    layout = "O_DIRECT, preallocated" if k[2] == "direct" else "buffered"
    lane = "yes" if float(d["lane_ops"]) >= 0.5 else "no"
    flags = " (space ran out)" if "space_ran_out" in f or "space_ran_out" in d else ""
    print(f"| {k[0]} | {k[1]} | {layout} | {k[3]} | {float(f['records_per_s']):,.0f} | {float(f['p50_us']):,.0f} | "
          f"{float(f['p99_us']):,.0f} | {float(d['records_per_s']):,.0f} | {float(d['p50_us']):,.0f} | "
          f"{float(d['p99_us']):,.0f} | **{ratio:.2f}**{flags} | {lane} |")
PY
