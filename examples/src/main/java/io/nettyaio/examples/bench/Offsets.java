package io.nettyaio.examples.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out request offsets in {@code [0, size - bs]}, multiples of {@code bs}: random ones, or consecutive blocks
 * wrapping around at the end. Safe for several threads; allocation-free.
 */
final class Offsets {
    private final boolean random;
    private final int bs;
    private final long blocks;
    private final AtomicLong nextBlock;

    /**
     * @param random     random or sequential
     * @param bs         request size, also the alignment of offsets
     * @param size       bytes of the file that may be touched
     * @param firstBlock where a sequential stream starts, so that several loops don't read the same blocks
     */
    Offsets(boolean random, int bs, long size, long firstBlock) {
        if (bs <= 0 || size < bs) {
            throw new IllegalArgumentException("bs: " + bs + ", size: " + size + " (expected: 0 < bs <= size)");
        }
        this.random = random;
        this.bs = bs;
        this.blocks = size / bs;
        this.nextBlock = new AtomicLong(Math.floorMod(firstBlock, blocks));
    }

    long next() {
        long block = random ? ThreadLocalRandom.current().nextLong(blocks) : nextBlock.getAndIncrement() % blocks;
        return block * bs;
    }

    long blocks() {
        return blocks;
    }
}
