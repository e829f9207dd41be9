package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes Netty's leak detector fail tests instead of only logging: installed before any buffer class is loaded (as a
 * JUnit launcher session listener), it records every leak report; {@link #assertNoLeaks()} forces collection and
 * fails with the records of any leak.
 */
public final class LeakRecorder implements LauncherSessionListener {
    private static final List<String> LEAKS = new ArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    /** Installs the recording factory (idempotent; effective only before ByteBuf classes initialize). */
    public static synchronized void install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                return new ResourceLeakDetector<T>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        record("LEAK " + resourceType + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        record("LEAK " + resourceType + " (untraced)");
                    }
                };
            }
        });
    }

    private static synchronized void record(String leak) {
        LEAKS.add(leak);
    }

    /** Collects garbage, lets the detectors poll their queues, and fails if any leak was reported. */
    public static void assertNoLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // a tracked allocation makes each detector drain its reference queue and report
            ByteBuf a = Unpooled.directBuffer(1);
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            ByteBuf c = Unpooled.buffer(1);
            ByteBuf d = AioBuffers.directBuffer(1, 512);
            a.release();
            b.release();
            c.release();
            d.release();
        }
        List<String> leaks;
        synchronized (LeakRecorder.class) {
            leaks = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) reported:\n" + String.join("\n", leaks));
        }
    }
}
