/**
 * Test fixtures that make file I/O fail on purpose: {@link io.nettyaio.channel.fault.FaultFs} (per-range errno and
 * delays through FUSE), {@link io.nettyaio.channel.fault.LoopExt4} (a loop-mounted ext4 that can be shut down to give
 * EIO everywhere, and remounted: a power cut and a reboot) and {@link io.nettyaio.channel.fault.SmallTmpfs} (a tiny tmpfs for short writes and ENOSPC).
 * What must not happen to the test JVM runs in a child JVM: under a seccomp filter ({@code SeccompTest}), or a first
 * use of Linux AIO while {@code fs.aio-max-nr} is exhausted ({@code AioBudgetAtStartTest}) or with every descriptor
 * in use ({@code DescriptorExhaustionTest}).
 */
package io.nettyaio.channel.fault;
