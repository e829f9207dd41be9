package io.nettyaio.channel;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first program a new user writes ({@link FirstProgram}: open, read, close, return from main) must end: no
 * thread of the library may keep the JVM alive once {@code main} returns. Each case runs in a JVM of its own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FirstProgramTest {

    @ParameterizedTest(name = "{0} with noAio={1}")
    @CsvSource({"default, false", "default, true", "epoll, false", "epoll, true"})
    void shouldExitByItselfOnceMainReturns(String how, boolean noAio) throws Exception {
        Path file = ReliabilitySupport.file("first-program-" + how + "-" + noAio + ".txt");
        Files.write(file, "hello, file".getBytes(StandardCharsets.US_ASCII));
        ChildJvm.Result result = ChildJvm.run("first-program-" + how + "-" + noAio, 0, 20,
                List.of("-Dio.nettyaio.noAio=" + noAio), FirstProgram.class, file.toString(), how);
        assertTrue(result.exitedInTime(), () -> "the JVM did not exit within 20 s of main returning: " + result);
        assertEquals(0, result.exitCode, result::toString);
        String engine = noAio ? "blocking" : "linux-aio";
        assertTrue(result.stdout.contains("read 11 bytes on " + engine + ": hello, file"), result::toString);
    }
}
