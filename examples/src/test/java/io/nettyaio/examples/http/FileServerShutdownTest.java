package io.nettyaio.examples.http;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.nettyaio.examples.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileServerShutdownTest {
    @Test
    void shouldCloseFilesAndReleaseBuffersWhenClosedInTheMiddleOfResponses() throws Exception {
        Path root = Files.createDirectories(TestFiles.dir("file-server-shutdown").resolve("public")).toRealPath();
        TestFiles.random(root.resolve("20m.bin"), 20 << 20, 20);
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
        FileServer server = FileServer.builder(root).port(0).allocator(alloc).start();
        try (RawHttp first = new RawHttp(server.port(), 64 * 1024); RawHttp second = new RawHttp(server.port())) {
            assertEquals(200, first.send("GET /20m.bin").readHead().status);
            assertEquals(200, second.send("GET /20m.bin").readHead().status);
            // Both clients stall: the server is in the middle of two files when it is closed.
            assertTrue(server.activity().awaitFileBytesRead(1 << 20, 10, TimeUnit.SECONDS));
            assertEquals(2, server.activity().openFiles());
            server.close();
            assertEquals(0, server.activity().openFiles());
            assertEquals(2, server.activity().responsesAborted());
            assertEquals(List.of(), FileServerContract.descriptorsOpenUnder(root));
            assertEquals(0, alloc.metric().usedDirectMemory(), "a chunk buffer was not released");
            assertEquals(0, alloc.metric().usedHeapMemory(), "a heap buffer was not released");
        } finally {
            server.close();
        }
    }
}
