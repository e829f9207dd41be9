package io.nettyaio.channel;

import io.nettyaio.linux.LinuxAio;
import org.junit.jupiter.api.Assumptions;

/**
 * The power cuts of {@link PowerCutDurabilityTest} on the fallback engine: Linux AIO switched off, every request on
 * a blocking thread over a JDK {@code FileChannel}, where a DSYNC write is a write followed by {@code fdatasync} on
 * that thread. Runs in the fallback-engine surefire execution (see transport-aio/pom.xml), because the switch is read
 * once per JVM.
 */
class FallbackEnginePowerCutDurabilityTest extends PowerCutDurabilityTest {
    @Override
    void assumeEngineUnderTest() {
        Assumptions.assumeTrue(Boolean.getBoolean(LinuxAio.DISABLED_PROP_NAME),
                "runs in the fallback-engine surefire execution, with -D" + LinuxAio.DISABLED_PROP_NAME + "=true");
    }
}
