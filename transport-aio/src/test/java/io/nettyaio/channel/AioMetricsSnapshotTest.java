package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A snapshot holds every counter as it was, names them all, and compares as a value. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AioMetricsSnapshotTest {

    @Test
    void shouldHoldEveryCounterAsItWasWhenTaken() throws Exception {
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            AioEventLoop loop = group.next();
            AioMetricsSnapshot before = loop.metrics().snapshot();
            assertEquals(before, loop.metrics().snapshot(), "nothing happened: equal values");
            assertEquals(before.hashCode(), loop.metrics().snapshot().hashCode());
            Path file = Files.createDirectories(Paths.get("target", "snapshot-test")).resolve("s.dat");
            Files.deleteIfExists(file);
            try (AioFileChannel ch = AioFileChannel.open(file, loop, READ, WRITE, CREATE)) {
                ByteBuf buf = Unpooled.directBuffer(512).writeZero(512);
                ch.write(buf, 0).get(30, TimeUnit.SECONDS);
                buf.release();
            }
            // taken on the loop thread: exact
            AioMetricsSnapshot after = loop.submit(() -> loop.metrics().snapshot()).get(30, TimeUnit.SECONDS);
            assertNotEquals(before, after);
            assertEquals(before.completed() + 1, after.completed(), "the snapshot before did not move");
            assertEquals(loop.engine(), after.engine());
            assertEquals(0, after.inFlight());
            String text = after.toString();
            assertTrue(text.startsWith("AioMetrics.Snapshot(engine " + loop.engine() + ", submitted "), text);
            for (String counter : new String[] {"completed", "failed", "inFlight", "queued", "queuedHighWater",
                "submitCalls", "reapCalls", "shortSubmits", "eagainRetries", "shortWrites", "cachedReads",
                "nowaitFallbacks", "blockingSubmitted", "submitNanosMax", "degradations", "busyPolls", "busyPollHits",
                "busyPollNanos"}) {
                assertTrue(text.contains(", " + counter + " "), counter + " in " + text);
            }
            assertTrue(text.contains(", completed " + after.completed() + ","), text);
        } finally {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
    }
}
