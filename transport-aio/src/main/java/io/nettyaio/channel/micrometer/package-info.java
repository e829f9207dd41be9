/**
 * Micrometer metrics for netty-aio: {@link io.nettyaio.channel.micrometer.AioMetricsBinder}. The only package that
 * refers to Micrometer, an optional dependency: nothing else loads it.
 */
package io.nettyaio.channel.micrometer;
