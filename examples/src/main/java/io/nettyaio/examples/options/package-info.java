/**
 * Benchmarks of what a single request can ask for beyond its data ({@code AioRequestOptions}): durable appends,
 * {@code write + fdatasync} against one {@code RWF_DSYNC} write ({@code durable-append}), and two read workloads at
 * different I/O priorities on one disk ({@code priority-read}).
 */
package io.nettyaio.examples.options;
