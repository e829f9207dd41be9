/**
 * The {@code bench} subcommand: a fio-like benchmark that compares {@code AioFileChannel} with the JDK's
 * {@code AsynchronousFileChannel} and {@code FileChannel} on the same closed-loop workload.
 */
package io.nettyaio.examples.bench;
