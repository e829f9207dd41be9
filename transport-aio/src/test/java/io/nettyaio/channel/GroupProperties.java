package io.nettyaio.channel;

import io.nettyaio.linux.NativeResources;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Groups created under one of the library's system properties, and the check that a refused one leaves nothing. */
final class GroupProperties {
    private GroupProperties() { }

    /** Creates something with {@code name} set to {@code value} ({@code null}: unset), then restores the property. */
    static <T> T withProperty(String name, String value, Supplier<T> create) {
        String before = System.getProperty(name);
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
        try {
            return create.get();
        } finally {
            if (before == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, before);
            }
        }
    }

    /**
     * Asserts that a group created with {@code name=value} is refused with a message that starts with both, and
     * leaves no AIO context, descriptor or loop thread behind.
     */
    static void assertGroupRefusedLeavingNothing(String name, String value) {
        long contexts = NativeResources.openContexts();
        long files = NativeResources.openFiles();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withProperty(name, value, () -> new AioEventLoopGroup(1, 32)));
        assertTrue(e.getMessage().startsWith("-D" + name + "=" + value + " "), e.getMessage());
        assertEquals(contexts, NativeResources.openContexts(), "no context left behind");
        assertEquals(files, NativeResources.openFiles(), "no descriptor left behind");
        Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
        started.removeAll(threadsBefore);
        started.removeIf(t -> !t.getName().startsWith("aio-"));
        assertEquals(Set.of(), started, "no thread left behind");
    }
}
