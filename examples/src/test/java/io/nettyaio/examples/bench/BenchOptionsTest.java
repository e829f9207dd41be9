package io.nettyaio.examples.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {

    @Test
    void shouldParseEveryFlag() throws BenchUsageException {
        BenchOptions o = BenchOptions.parse(new String[] {"--engine", "jdk-sync", "--rw", "read", "--bs", "1m",
            "--iodepth", "8", "--direct", "false", "--cold", "true", "--size", "1g", "--runtime", "2.5", "--warmup",
            "0", "--file", "x/y.dat", "--loops", "2", "--json"});
        assertEquals(EngineKind.JDK_SYNC, o.engine());
        assertEquals(Pattern.READ, o.pattern());
        assertTrue(o.cold());
        assertEquals(1 << 20, o.bs());
        assertEquals(8, o.iodepth());
        assertFalse(o.direct());
        assertEquals(1L << 30, o.size());
        assertEquals(2.5, o.runtime());
        assertEquals(0.0, o.warmup());
        assertEquals(Paths.get("x/y.dat"), o.file());
        assertEquals(2, o.loops());
        assertTrue(o.json());
        assertFalse(o.help());
    }

    @Test
    void shouldTakeFlagEqualsValueToo() throws BenchUsageException {
        BenchOptions o = BenchOptions.parse(new String[] {"--engine=jdk-async", "--bs=8k", "--runtime=3s"});
        assertEquals(EngineKind.JDK_ASYNC, o.engine());
        assertEquals(8192, o.bs());
        assertEquals(3.0, o.runtime());
    }

    @Test
    void shouldUseDefaultsForMissingFlags() throws BenchUsageException {
        assertEquals(BenchOptions.defaults(), BenchOptions.parse(new String[0]));
        BenchOptions d = BenchOptions.defaults();
        assertEquals(EngineKind.AIO, d.engine());
        assertEquals(Pattern.RANDREAD, d.pattern());
        assertEquals(4096, d.bs());
        assertEquals(32, d.iodepth());
        assertTrue(d.direct());
        assertFalse(d.cold());
        assertEquals(256L << 20, d.size());
        assertEquals(1, d.loops());
        assertEquals(BenchOptions.DEFAULT_FILE, d.file());
        assertTrue(d.file().startsWith(Paths.get("target", "bench")));
    }

    @Test
    void shouldRecognizeHelp() throws BenchUsageException {
        assertTrue(BenchOptions.parse(new String[] {"--help"}).help());
        assertTrue(BenchOptions.parse(new String[] {"-h"}).help());
    }

    @Test
    void shouldNameFlagValueAndExpectationForBadValues() {
        assertMessage("--engine: fio (expected: one of aio, native, jdk-async, jdk-sync)", "--engine", "fio");
        assertMessage("--rw: randrw (expected: one of randread, randwrite, read, write)", "--rw", "randrw");
        assertMessage("--bs: 4q (expected: a positive size in bytes like 4096, 4k, 256m or 1g)", "--bs", "4q");
        assertMessage("--bs: 2g (expected: at most 1g)", "--bs", "2g");
        assertMessage("--iodepth: 0 (expected: an integer from 1 to 4096)", "--iodepth", "0");
        assertMessage("--iodepth: many (expected: an integer from 1 to 4096)", "--iodepth", "many");
        assertMessage("--direct: yes (expected: true or false)", "--direct", "yes");
        assertMessage("--cold: 1 (expected: true or false)", "--cold", "1");
        assertMessage("--runtime: 0 (expected: seconds, more than 0, like 10 or 2.5)", "--runtime", "0");
        assertMessage("--runtime: NaN (expected: seconds, more than 0, like 10 or 2.5)", "--runtime", "NaN");
        assertMessage("--warmup: -1 (expected: seconds, 0 or more, like 2 or 0.5)", "--warmup", "-1");
        assertMessage("--loops: 65 (expected: an integer from 1 to 64)", "--loops", "65");
        assertMessage("--file: '' (expected: a file path)", "--file", "");
    }

    @Test
    void shouldRejectUnknownFlagsAndMissingValues() {
        assertMessage("unknown flag: --numjobs (expected one of: --engine, --rw, --bs, --iodepth, --direct, --cold,"
                + " --size, --runtime, --warmup, --file, --loops, --json, --help)", "--numjobs", "4");
        assertMessage("--bs: missing value (expected: a size in bytes like 4096, 4k, 256m or 1g)", "--bs");
        assertMessage("--json: yes (expected: no value)", "--json=yes");
    }

    @Test
    void shouldCheckFlagsAgainstEachOther() {
        assertMessage("--bs: 1000 (expected: a multiple of 512 with --direct true)", "--bs", "1000");
        assertMessage("--size: 1k (expected: at least --bs, 4k)", "--bs", "4k", "--size", "1k");
        assertMessage("--bs: 512m (expected: at most --size, 256 MiB)", "--bs", "512m");
        String coldNeeds = "--cold: true (expected: --direct false and a read pattern (randread or read): it empties"
                + " the page cache that buffered reads go through)";
        assertMessage(coldNeeds, "--cold", "true");
        assertMessage(coldNeeds, "--cold", "true", "--direct", "false", "--rw", "randwrite");
    }

    @Test
    void shouldDropColdWithDirect() throws BenchUsageException {
        BenchOptions cold = BenchOptions.parse(new String[] {"--cold", "true", "--direct", "false"});
        assertTrue(cold.cold());
        assertFalse(cold.withDirect(true).cold());
        assertTrue(cold.withDirect(false).cold());
    }

    @Test
    void shouldAcceptUnalignedBlocksWithoutDirect() throws BenchUsageException {
        assertEquals(1000, BenchOptions.parse(new String[] {"--bs", "1000", "--direct", "false"}).bs());
    }

    private static void assertMessage(String expected, String... args) {
        BenchUsageException e = assertThrows(BenchUsageException.class, () -> BenchOptions.parse(args));
        assertEquals(expected, e.getMessage());
    }
}
