package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.nettyaio.linux.LinuxAio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The contract on the fallback engine: Linux AIO switched off with {@code -Dio.nettyaio.noAio=true}, every request
 * on blocking threads over a JDK FileChannel. Runs in its own surefire execution (see transport-aio/pom.xml),
 * because the switch is read once per JVM.
 */
class FallbackEngineContractTest extends AioFileChannelContractTest {
    private static AioEventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        // A plain `verify` runs this class only in the fallback-engine execution, which sets the switch; a -Dtest
        // selection runs it in the default execution too, where it has nothing to test
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean(LinuxAio.DISABLED_PROP_NAME),
                "runs in the fallback-engine surefire execution, with -D" + LinuxAio.DISABLED_PROP_NAME + "=true");
        assertFalse(Aio.isAvailable());
        group = new AioEventLoopGroup(1, 32);
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        if (group == null) {
            return;
        }
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
    }

    @Override
    protected EventExecutor executor() {
        return group.next();
    }

    @Override
    protected boolean completesOnExecutorThread() {
        return true;
    }

    @Test
    void shouldSayWhyAioIsUnavailableAndStillServeFiles() {
        assertFalse(group.next().usesAio());
        assertTrue(Aio.unavailabilityCause().getMessage().contains(LinuxAio.DISABLED_PROP_NAME),
                Aio.unavailabilityCause().getMessage());
        assertThrows(UnsatisfiedLinkError.class, Aio::ensureAvailability);
    }
}
