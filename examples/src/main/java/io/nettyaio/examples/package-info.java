/**
 * The example programs of {@code netty-aio-examples.jar}: {@code serve}, {@code cat}, {@code copy} and
 * {@code pipeline}, each showing one way to use {@link io.nettyaio.channel.AioFileChannel}.
 */
package io.nettyaio.examples;
