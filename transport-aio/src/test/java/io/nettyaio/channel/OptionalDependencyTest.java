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
 * netty-transport, the epoll and io_uring classes, netty-handler and Micrometer are optional: without them every
 * public class loads (but the Micrometer binder and the {@code io.nettyaio.handler} package, which alone need them)
 * and files work, latency listener included.
 */
class OptionalDependencyTest {
    private static final String MICROMETER_PACKAGE = "io.nettyaio.channel.micrometer.";
    private static final String HANDLER_PACKAGE = "io.nettyaio.handler.";

    @Test
    void shouldLoadEveryPublicClassAndDoIoWithoutNettyTransportOrHandler() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("netty-transport") && !entry.contains("micrometer")
                    && !entry.contains("netty-handler") && !entry.contains("netty-codec")) {
                urls.add(Paths.get(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.IoEventLoop", false,
                    loader), "the isolated class path must not have netty-transport");
            assertThrows(ClassNotFoundException.class, () -> Class.forName("io.micrometer.core.instrument.Timer", false,
                    loader), "the isolated class path must not have Micrometer");
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
                    if (!Modifier.isPublic(c.getModifiers()) || name.startsWith(MICROMETER_PACKAGE)) {
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
            // the binder is the one class that needs Micrometer: it fails to load, and nothing above loaded it
            NoClassDefFoundError missing = assertThrows(NoClassDefFoundError.class,
                    () -> Class.forName(MICROMETER_PACKAGE + "AioMetricsBinder", true, loader));
            assertTrue(missing.getMessage().startsWith("io/micrometer/"), missing.getMessage());
            Class<?> ioUring = Class.forName(AioIoUring.class.getName(), true, loader);
            assertEquals(false, ioUring.getMethod("isAvailable").invoke(null), "no io_uring classes, no io_uring");
            assertTrue(String.valueOf(ioUring.getMethod("unavailabilityCause").invoke(null))
                    .contains("netty-transport-classes-io_uring"), "the cause names what to add");
            assertTrue(handlerClasses >= 1, "public handler classes: " + handlerClasses);
            Path file = Paths.get("target", "optional-dependency.dat").toAbsolutePath();
            Files.deleteIfExists(file);
            Object result = Class.forName(OptionalDependencyProbe.class.getName(), true, loader)
                    .getMethod("run", String.class).invoke(null, file.toString());
            assertEquals("no-transport", result);
        }
    }
}
