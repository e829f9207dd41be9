package io.nettyaio.channel;

import io.netty.util.concurrent.Promise;

/**
 * Boxes results for promises, reusing the box of a recent equal result, so that steady workloads (the same request
 * size again and again) complete {@code Future<Integer>}s without allocating. One per engine; loop thread only.
 */
final class ResultBoxes {
    private final Integer[] ints = new Integer[16];
    private final Long[] longs = new Long[16];

    Integer boxInt(int value) {
        int i = (value ^ value >>> 9 ^ value >>> 17) & 15;
        Integer cached = ints[i];
        if (cached != null && cached == value) {
            return cached;
        }
        Integer boxed = value;
        ints[i] = boxed;
        return boxed;
    }

    Long boxLong(long value) {
        int i = (int) (value ^ value >>> 9 ^ value >>> 17) & 15;
        Long cached = longs[i];
        if (cached != null && cached == value) {
            return cached;
        }
        Long boxed = value;
        longs[i] = boxed;
        return boxed;
    }

    @SuppressWarnings("unchecked")
    static <T> Promise<T> cast(Promise<?> promise) {
        return (Promise<T>) promise;
    }
}
