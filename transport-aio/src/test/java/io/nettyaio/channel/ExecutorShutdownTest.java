package io.nettyaio.channel;

/** {@link ExecutorShutdownContract} on this JVM's engine: Linux AIO where it is available. */
class ExecutorShutdownTest extends ExecutorShutdownContract {
}
