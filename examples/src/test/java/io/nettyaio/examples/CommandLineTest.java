package io.nettyaio.examples;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {
    private static final Set<String> VALUES = Set.of("--depth", "--bs");
    private static final Set<String> SWITCHES = Set.of("--direct");

    private static CommandLine parse(String... args) throws CommandUsageException {
        return CommandLine.parse(args, VALUES, SWITCHES);
    }

    @Test
    void shouldReadValuesSwitchesAndPositionalsInAnyOrder() throws CommandUsageException {
        CommandLine cl = parse("a", "--depth", "8", "--direct", "--bs=64k", "b");
        assertEquals(8, cl.intValue("--depth", 1, 1, 1024));
        assertEquals(65536, cl.sizeValue("--bs", 1, 1, 1 << 20));
        assertTrue(cl.has("--direct"));
        assertFalse(cl.helpRequested());
        assertEquals(List.of("a", "b"), cl.positionals("SRC", "DST"));
    }

    @Test
    void shouldUseDefaultsForAbsentOptions() throws CommandUsageException {
        CommandLine cl = parse("file");
        assertEquals(4, cl.intValue("--depth", 4, 1, 1024));
        assertEquals(4096, cl.sizeValue("--bs", 4096, 1, 1 << 20));
        assertFalse(cl.has("--direct"));
    }

    @Test
    void shouldTreatEverythingAfterDoubleDashAsPositional() throws CommandUsageException {
        assertEquals(List.of("--depth", "-x"), parse("--", "--depth", "-x").positionals("A", "B"));
    }

    @Test
    void shouldRecognizeHelp() throws CommandUsageException {
        assertTrue(parse("-h").helpRequested());
        assertTrue(parse("x", "--help").helpRequested());
    }

    @Test
    void shouldNameFlagValueAndExpectationForBadInteger() throws CommandUsageException {
        CommandLine cl = parse("--depth", "0");
        CommandUsageException e = assertThrows(CommandUsageException.class, () -> cl.intValue("--depth", 4, 1, 1024));
        assertEquals("--depth: '0' (expected: an integer from 1 to 1024)", e.getMessage());
        CommandLine word = parse("--depth", "many");
        assertTrue(assertThrows(CommandUsageException.class, () -> word.intValue("--depth", 4, 1, 1024)).getMessage()
                .startsWith("--depth: 'many' (expected: an integer"));
    }

    @Test
    void shouldNameFlagValueAndExpectationForBadSize() throws CommandUsageException {
        CommandLine cl = parse("--bs", "12q");
        CommandUsageException e = assertThrows(CommandUsageException.class,
                () -> cl.sizeValue("--bs", 4096, 512, 1 << 20));
        assertEquals("--bs: '12q' (expected: a size in bytes such as 4096, 64k or 1m, from 512 B to 1.0 MiB)",
                e.getMessage());
    }

    @Test
    void shouldRejectUnknownOptionListingTheKnownOnes() {
        CommandUsageException e = assertThrows(CommandUsageException.class, () -> parse("--frobnicate"));
        assertEquals("unknown option --frobnicate (expected one of: --bs, --depth, --direct, --help)", e.getMessage());
    }

    @Test
    void shouldRejectOptionMissingItsValue() {
        assertEquals("--depth: missing value",
                assertThrows(CommandUsageException.class, () -> parse("--depth")).getMessage());
    }

    @Test
    void shouldRejectValueGivenToSwitch() {
        assertEquals("--direct: 'yes' (expected: no value)",
                assertThrows(CommandUsageException.class, () -> parse("--direct=yes")).getMessage());
    }

    @Test
    void shouldRejectMissingAndExtraPositionals() throws CommandUsageException {
        assertEquals("missing argument DST",
                assertThrows(CommandUsageException.class, () -> parse("a").positionals("SRC", "DST")).getMessage());
        assertEquals("unexpected argument 'c' (expected: SRC DST)",
                assertThrows(CommandUsageException.class, () -> parse("a", "b", "c").positionals("SRC", "DST"))
                        .getMessage());
    }

    @Test
    void shouldParseAndFormatSizes() {
        assertEquals(4096, ByteSizes.parse("4096"));
        assertEquals(65536, ByteSizes.parse("64k"));
        assertEquals(65536, ByteSizes.parse("64KiB"));
        assertEquals(1 << 20, ByteSizes.parse("1M"));
        assertEquals(3L << 30, ByteSizes.parse("3gb"));
        assertThrows(NumberFormatException.class, () -> ByteSizes.parse("k"));
        assertThrows(NumberFormatException.class, () -> ByteSizes.parse("-1"));
        assertThrows(NumberFormatException.class, () -> ByteSizes.parse("99999999999t"));
        assertEquals("512 B", ByteSizes.format(512));
        assertEquals("1.5 MiB", ByteSizes.format(3 << 19));
    }
}
