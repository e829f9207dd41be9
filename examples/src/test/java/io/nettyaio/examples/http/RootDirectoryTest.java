package io.nettyaio.examples.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.nettyaio.examples.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RootDirectoryTest {
    private static Path base;
    private static RootDirectory root;

    @BeforeAll
    static void createTree() throws IOException {
        base = TestFiles.dir("root-directory-test");
        Path published = Files.createDirectories(base.resolve("public/sub dir"));
        Files.writeString(published.resolve("a+b é.txt"), "x");
        Files.writeString(base.resolve("secret.txt"), "secret");
        Path link = base.resolve("public/escape");
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, base.resolve("secret.txt"));
        }
        root = new RootDirectory(base.resolve("public"));
    }

    @Test
    void shouldResolveEncodedNamesInsideTheRoot() throws IOException {
        RootDirectory.Resolution r = root.resolve("/sub%20dir/a+b%20%C3%A9.txt?download=1#top");
        assertNull(r.refusal);
        assertEquals(base.resolve("public/sub dir/a+b é.txt").toRealPath(), r.file);
        assertEquals("/sub dir/a+b é.txt", r.path);
    }

    @Test
    void shouldResolveRootAndAbsoluteFormTargets() throws IOException {
        assertEquals(root.path(), root.resolve("/").file);
        assertEquals("/", root.resolve("/").path);
        assertEquals(root.path().resolve("sub dir"), root.resolve("http://localhost:8080/sub%20dir/").file);
        assertEquals(root.path(), root.resolve("http://localhost:8080").file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
        "/sub%20dir/../../secret.txt", "/..%2f..%2fsecret.txt", "http://h/../secret.txt", "/escape",
        "/sub%20dir/%2e%2e/%2e%2e/%2e%2e/etc/passwd"})
    void shouldRefuseEverythingOutsideTheRoot(String target) {
        assertEquals(HttpResponseStatus.FORBIDDEN, root.resolve(target).refusal, target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "//etc/passwd", "/missing", "/%252e%252e/secret.txt"})
    void shouldKeepAbsoluteLookingPathsInsideTheRoot(String target) {
        assertEquals(HttpResponseStatus.NOT_FOUND, root.resolve(target).refusal, target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret.txt", "*", "/%", "/%zz", "/%00", "/a%00b", "/%C3", "/%FF"})
    void shouldRejectMalformedTargets(String target) {
        assertEquals(HttpResponseStatus.BAD_REQUEST, root.resolve(target).refusal, target);
    }

    @Test
    void shouldEncodeSegmentsForLinks() {
        assertEquals("a+b%20%C3%A9.txt", UriPaths.encodeSegment("a+b é.txt"));
        assertEquals("%3Cx%3E%22%3F%23%25", UriPaths.encodeSegment("<x>\"?#%"));
    }
}
