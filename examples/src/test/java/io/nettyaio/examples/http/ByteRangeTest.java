package io.nettyaio.examples.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteRangeTest {
    @ParameterizedTest(name = "{0} of 1000 bytes -> {1}-{2}")
    @CsvSource({
        "bytes=0-0, 0, 0",
        "bytes=0-999, 0, 999",
        "bytes=10-19, 10, 19",
        "bytes=999-999, 999, 999",
        "bytes=500-, 500, 999",
        "bytes=900-5000, 900, 999",
        "bytes=-1, 999, 999",
        "bytes=-100, 900, 999",
        "bytes=-5000, 0, 999",
        "BYTES = 1-2, 1, 2",
    })
    void shouldSelectOneRange(String header, long first, long last) {
        ByteRange range = ByteRange.evaluate(header, 1000);
        assertEquals(ByteRange.Kind.PARTIAL, range.kind);
        assertEquals(first, range.first);
        assertEquals(last, range.last);
        assertEquals(last - first + 1, range.length());
        assertEquals("bytes " + first + "-" + last + "/1000", range.contentRange(1000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=1000-", "bytes=1000-2000", "bytes=-0", "bytes=99999999999999999999999-"})
    void shouldFindUnsatisfiableRanges(String header) {
        assertEquals(ByteRange.Kind.UNSATISFIABLE, ByteRange.evaluate(header, 1000).kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-", "bytes=-1"})
    void shouldFindEveryRangeOfAnEmptyFileUnsatisfiable(String header) {
        assertEquals(ByteRange.Kind.UNSATISFIABLE, ByteRange.evaluate(header, 0).kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bytes", "bytes=", "bytes=-", "bytes=5-1", "bytes=a-b", "bytes=1-x", "items=0-1",
        "bytes=0-1,5-6", "bytes=1"})
    void shouldServeWholeFileForInvalidOrMultipleRanges(String header) {
        assertEquals(ByteRange.Kind.WHOLE, ByteRange.evaluate(header, 1000).kind);
    }

    @org.junit.jupiter.api.Test
    void shouldServeWholeFileWithoutRangeHeader() {
        assertEquals(ByteRange.Kind.WHOLE, ByteRange.evaluate(null, 1000).kind);
        assertEquals("bytes */1000", ByteRange.unsatisfiedRange(1000));
    }
}
