package io.nettyaio.channel;

import io.nettyaio.linux.LinuxAio;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link ExecutorShutdownContract} on the fallback engine: runs in the fallback-engine surefire execution, with
 * Linux AIO switched off (see transport-aio/pom.xml).
 */
class FallbackEngineExecutorShutdownTest extends ExecutorShutdownContract {

    @BeforeAll
    static void requireTheFallbackEngine() {
        Assumptions.assumeTrue(Boolean.getBoolean(LinuxAio.DISABLED_PROP_NAME),
                "runs in the fallback-engine surefire execution, with -D" + LinuxAio.DISABLED_PROP_NAME + "=true");
        assertFalse(Aio.isAvailable());
    }
}
