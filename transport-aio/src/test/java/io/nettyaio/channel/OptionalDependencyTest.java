package io.nettyaio.channel;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * netty-transport, the epoll classes and netty-handler are optional: without them every public class outside
 * {@code io.nettyaio.handler} loads and files work; the handler package alone needs them.
 */
class OptionalDependencyTest {
    private static final String HANDLER_PACKAGE = "io.nettyaio.handler.";

    @Test
    void shouldLoadEveryPublicClassAndDoIoWithoutNettyTransportOrHandler() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("netty-transport") && !entry.contains("netty-handler")
                    && !entry.contains("netty-codec")) {
                urls.add(Paths.get(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.IoEventLoop", false,
                    loader), "the isolated class path must not have netty-transport");
            assertThrows(ClassNotFoundException.class, () -> Class.forName(
                    "io.netty.handler.stream.ChunkedInput", false, loader), "nor netty-handler");
            Path classes = Paths.get("target", "classes");
            int loaded = 0;
            int handlerClasses = 0;
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String rel = classes.relativize(p).toString();
                    if (!rel.endsWith(".class") || rel.contains("$")) {
                        continue;
                    }
                    String name = rel.substring(0, rel.length() - 6).replace(File.separatorChar, '.');
                    // modifiers from the full class path: the isolated one cannot even define the epoll bridge
                    Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                    if (!Modifier.isPublic(c.getModifiers())) {
                        continue;
                    }
                    if (name.startsWith(HANDLER_PACKAGE)) {
                        // needs netty-handler, so it cannot load here: proof that the class path is isolated
                        assertThrows(NoClassDefFoundError.class, () -> Class.forName(name, true, loader), name);
                        handlerClasses++;
                    } else {
                        Class.forName(name, true, loader);
                        loaded++;
                    }
                }
            }
            assertTrue(loaded >= 7, "public classes loaded: " + loaded);
            assertTrue(handlerClasses >= 1, "public handler classes: " + handlerClasses);
            Path file = Paths.get("target", "optional-dependency.dat").toAbsolutePath();
            Files.deleteIfExists(file);
            Object result = Class.forName(OptionalDependencyProbe.class.getName(), true, loader)
                    .getMethod("run", String.class).invoke(null, file.toString());
            assertEquals("no-transport", result);
        }
    }
}
