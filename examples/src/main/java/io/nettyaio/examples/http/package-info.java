/**
 * A static HTTP/1.1 file server whose file reads are asynchronous: {@link io.nettyaio.examples.http.FileServer}.
 */
package io.nettyaio.examples.http;
