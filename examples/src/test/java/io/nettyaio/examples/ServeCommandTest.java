package io.nettyaio.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServeCommandTest {
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port|65536|--port: '65536' (expected: an integer from 0 to 65535)",
        "--port|http|--port: 'http' (expected: an integer from 0 to 65535)",
        "--root|target/no-such-dir|--root: 'target/no-such-dir' (expected: an existing directory)",
        "--chunk|1|--chunk: '1' (expected: a size in bytes",
        "--bind|no.such.host.invalid|--bind: 'no.such.host.invalid' (expected: a local IP address or host name)",
        "--reader|nio|--reader: 'nio' (expected: aio, chunked-nio or sendfile)",
        "--transport|xdp|--transport: 'xdp' (expected: epoll, io_uring or nio)",
        "--readahead|0|--readahead: '0' (expected: an integer from 1 to 64)",
    })
    void shouldNameFlagValueAndExpectation(String flag, String value, String message) {
        CommandUsageException e = assertThrows(CommandUsageException.class,
                () -> ServeCommand.builder(new String[] {flag, value}, err));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void shouldExitWith2OnBadFlags() throws Exception {
        assertEquals(2, ServeCommand.run(new String[] {"--port", "-1"}));
    }

    @Test
    void shouldAcceptGoodFlagsAndHelp() throws Exception {
        assertNotNull(ServeCommand.builder(new String[] {"--port", "0", "--root", ".", "--chunk", "16k"}, err));
        assertNotNull(ServeCommand.builder(new String[] {"--reader", "blocking"}, err));
        assertNotNull(ServeCommand.builder(new String[] {"--reader=AIO"}, err));
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        assertNull(ServeCommand.builder(new String[] {"--help"}, out));
        assertTrue(outBytes.toString(StandardCharsets.UTF_8).startsWith("usage: serve"));
    }
}
