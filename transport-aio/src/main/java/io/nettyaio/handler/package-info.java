/**
 * Pipeline adaptors: {@link io.nettyaio.handler.AioChunkedFile} streams a file into any Netty pipeline through
 * {@code ChunkedWriteHandler}, read ahead with {@link io.nettyaio.channel.AioFileChannel}, never blocking the event
 * loop. Needs {@code netty-handler} (an optional dependency of this module: nothing outside this package loads it).
 */
package io.nettyaio.handler;
