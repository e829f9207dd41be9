#!/usr/bin/env bash
# Two random 4 KiB O_DIRECT read workloads on the same disk at the same time, each on its own channel and loop with
# its own I/O priority (AioIoPriority as the channel's default): a control phase with both at best effort (be4:be4)
# and the phase under test with A idle (idle:be4). Prints each workload's reads per second and latency, under each
# I/O scheduler of --schedulers ('current' leaves it as it is). Switching the scheduler needs root; the original is
# restored on exit, and the whole run holds another scheduler for about a minute. Run from the project root after
# './mvnw -q package -DskipTests'.
#
# usage: examples/bench/io-priority.sh [--schedulers LIST] [--engines LIST] [--depth N] [--runtime S] [--jar PATH]
# (JAVA_OPTS is passed to the JVM, e.g. JAVA_OPTS=-Dio.nettyaio.blockingThreads=32 with --engines blocking)
set -euo pipefail
schedulers=current,bfq,none engines=linux-aio,io_uring depth=16 runtime=4 jar=examples/target/netty-aio-examples.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --schedulers) schedulers=$2; shift 2;; --engines) engines=$2; shift 2;; --depth) depth=$2; shift 2;;
    --runtime) runtime=$2; shift 2;; --jar) jar=$2; shift 2;;
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
dir=target/io-priority
mkdir -p "$dir"
size=$((256 * 1024 * 1024))
for f in a b; do   # written data: reads of unwritten (fallocated) blocks would never reach the device
  if [ ! -f "$dir/$f.dat" ] || [ "$(stat -c %s "$dir/$f.dat")" -lt "$size" ]; then
    head -c "$size" /dev/urandom > "$dir/$f.dat"
  fi
done
sync
source=$(findmnt -no SOURCE -T "$dir")
dev=$(lsblk -ndo PKNAME "$source" 2>/dev/null || true)
[ -n "$dev" ] || dev=$(basename "$source")
sched_file=/sys/block/$dev/queue/scheduler
original=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$sched_file")
restore() { [ -w "$sched_file" ] && echo "$original" > "$sched_file" || true; }
trap restore EXIT
echo "# $(date -u +%FT%TZ) kernel $(uname -r), $(nproc) CPUs; files on $source ($dev), schedulers: $(cat "$sched_file")"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in ${schedulers//,/ }; do
  if [ "$s" != current ]; then
    if ! echo "$s" > "$sched_file" 2>/dev/null; then echo "# cannot switch $dev to $s: skipped" >&2; continue; fi
  fi
  active=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$sched_file")
  for engine in ${engines//,/ }; do
    java ${JAVA_OPTS:-} -Dio.nettyaio.engine="$engine" -cp "$cp" io.nettyaio.examples.Main priority-read "$dir/a.dat" "$dir/b.dat" \
         --pairs be4:be4,idle:be4 --depth "$depth" --runtime "$runtime" --warmup 1 | sed "s/^/scheduler=$active /"
  done
  restore
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg); $dev scheduler restored: $(cat "$sched_file")"
