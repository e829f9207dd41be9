package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nettyaio.linux.LinuxAio;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On the fallback engine every request is recorded on the blocking lane with the reason {@code blocking-engine}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FallbackEngineJfrTest {

    @Test
    void shouldRecordEveryRequestOnTheLaneAsBlockingEngine() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean(LinuxAio.DISABLED_PROP_NAME),
                "runs in the fallback-engine surefire execution, with -D" + LinuxAio.DISABLED_PROP_NAME + "=true");
        Path dir = Files.createDirectories(Paths.get("target", "jfr-test").toAbsolutePath());
        Path file = dir.resolve("fallback.dat");
        Path out = dir.resolve("fallback.jfr");
        Files.deleteIfExists(file);
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try (Recording recording = new Recording()) {
            recording.enable(AioJfr.BLOCKING_LANE);
            recording.start();
            try (AioFileChannel ch = AioFileChannel.open(file, group.next(), READ, WRITE, CREATE)) {
                assertEquals(AioEngines.BLOCKING, ch.engine());
                ByteBuf buf = Unpooled.directBuffer(512).writeZero(512);
                ch.write(buf, 0).get(30, TimeUnit.SECONDS);
                ch.read(buf.clear(), 0).get(30, TimeUnit.SECONDS);
                buf.release();
            }
            recording.stop();
            recording.dump(out);
        } finally {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
        List<RecordedEvent> lane = RecordingFile.readAllEvents(out).stream()
                .filter(e -> e.getEventType().getName().equals(AioJfr.BLOCKING_LANE)).collect(Collectors.toList());
        assertEquals(List.of("pwrite", "pread"), lane.stream().map(e -> e.getString("operation"))
                .collect(Collectors.toList()), lane.toString());
        assertTrue(lane.stream().allMatch(e -> AioJfr.BLOCKING_ENGINE.equals(e.getString("reason"))
                && AioEngines.BLOCKING.equals(e.getString("engine"))), lane.toString());
    }
}
