/**
 * Asynchronous file I/O for Netty on Linux AIO: {@link io.nettyaio.channel.AioFileChannel} and the completion
 * loops that drive it.
 */
package io.nettyaio.channel;
