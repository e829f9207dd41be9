package io.nettyaio.examples.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Date;

/**
 * The conditional request headers this server understands, evaluated in RFC 9110's order (section 13.2.2). The
 * server has no entity tags, so only dates are compared.
 */
final class Preconditions {
    private Preconditions() { }

    /**
     * @param headers the request's headers
     * @param lastModified the file's modification time in milliseconds, truncated to whole seconds
     * @return whether {@code If-Modified-Since} asks for a 304 Not Modified
     */
    static boolean notModified(HttpHeaders headers, long lastModified) {
        if (headers.contains(HttpHeaderNames.IF_NONE_MATCH)) {
            // If-None-Match takes precedence, and no entity tag of ours can match it.
            return false;
        }
        Date since = date(headers.get(HttpHeaderNames.IF_MODIFIED_SINCE));
        // A date in the future is invalid (RFC 9110, section 13.1.3), hence ignored.
        return since != null && since.getTime() <= System.currentTimeMillis() && lastModified <= since.getTime();
    }

    /**
     * @param headers the request's headers
     * @param lastModified the file's modification time in milliseconds, truncated to whole seconds
     * @return whether a {@code Range} header may be honoured: no {@code If-Range}, or one naming exactly this
     *         modification time
     */
    static boolean rangeApplies(HttpHeaders headers, long lastModified) {
        String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        Date date = date(ifRange);
        return date != null && date.getTime() == lastModified;
    }

    private static Date date(String value) {
        return value == null ? null : DateFormatter.parseHttpDate(value);
    }
}
