package io.nettyaio.examples.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding and -encoding of URI paths (RFC 3986). Unlike form decoding, {@code +} stays a plus sign.
 */
final class UriPaths {
    private static final String UNRESERVED_IN_SEGMENT = "-._~!$&'()*+,;=:@";

    private UriPaths() { }

    /**
     * Extracts the path of a request target in origin form ({@code /a/b?q}) or absolute form
     * ({@code http://host/a/b?q}), without query or fragment. Still percent-encoded.
     *
     * @param target the request target
     * @return the path, or {@code null} when the target has none
     */
    static String rawPath(String target) {
        int end = target.length();
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String path = target.substring(0, end);
        int scheme = path.indexOf("://");
        if (scheme > 0 && !path.startsWith("/")) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        return path.startsWith("/") ? path : null;
    }

    /**
     * Decodes {@code %XX} escapes as UTF-8.
     *
     * @param path a percent-encoded path
     * @return the decoded path, or {@code null} when an escape is malformed, the bytes are not UTF-8, or the
     *         result contains a NUL character
     */
    static String decode(String path) {
        if (path.indexOf('%') < 0) {
            return path.indexOf('\0') < 0 ? path : null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '%') {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                continue;
            }
            if (i + 2 >= path.length()) {
                return null;
            }
            int high = Character.digit(path.charAt(i + 1), 16);
            int low = Character.digit(path.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                return null;
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
            return decoded.indexOf('\0') < 0 ? decoded : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Percent-encodes one path segment (a file name), leaving RFC 3986's unreserved and sub-delim characters.
     *
     * @param segment a decoded file name
     * @return the name, safe to put between slashes in a URI
     */
    static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || UNRESERVED_IN_SEGMENT.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
