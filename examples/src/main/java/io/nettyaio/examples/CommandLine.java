package io.nettyaio.examples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately small command-line parser for the example commands: positional arguments, options with a value
 * ({@code --depth 8} or {@code --depth=8}), switches ({@code --direct}), {@code --help}/{@code -h}, and {@code --}
 * to end the options. Every mistake becomes a {@link CommandUsageException} naming the flag, the value and the
 * expectation.
 */
public final class CommandLine {
    private final Map<String, String> values;
    private final Set<String> switches;
    private final List<String> positionals;

    private CommandLine(Map<String, String> values, Set<String> switches, List<String> positionals) {
        this.values = values;
        this.switches = switches;
        this.positionals = positionals;
    }

    /**
     * Parses {@code args}.
     *
     * @param args the arguments after the command name
     * @param valueFlags the options that take a value, e.g. {@code --depth}
     * @param switchFlags the options that take none, e.g. {@code --direct}; {@code --help} is always accepted
     * @return the parsed command line
     * @throws CommandUsageException for an unknown option or an option missing its value
     */
    public static CommandLine parse(String[] args, Set<String> valueFlags, Set<String> switchFlags)
            throws CommandUsageException {
        Map<String, String> values = new HashMap<>();
        Set<String> switches = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                positionals.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                switches.add("--help");
            } else if (!arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
            } else {
                int eq = arg.indexOf('=');
                String flag = eq < 0 ? arg : arg.substring(0, eq);
                if (valueFlags.contains(flag)) {
                    if (eq >= 0) {
                        values.put(flag, arg.substring(eq + 1));
                    } else if (i + 1 < args.length) {
                        values.put(flag, args[++i]);
                    } else {
                        throw new CommandUsageException(flag + ": missing value");
                    }
                } else if (switchFlags.contains(flag) && eq < 0) {
                    switches.add(flag);
                } else if (switchFlags.contains(flag)) {
                    throw new CommandUsageException(flag + ": '" + arg.substring(eq + 1) + "' (expected: no value)");
                } else {
                    List<String> known = new ArrayList<>(valueFlags);
                    known.addAll(switchFlags);
                    known.add("--help");
                    Collections.sort(known);
                    throw new CommandUsageException("unknown option " + flag + " (expected one of: "
                            + String.join(", ", known) + ")");
                }
            }
        }
        return new CommandLine(values, switches, positionals);
    }

    /** @return whether {@code --help} or {@code -h} was given */
    public boolean helpRequested() {
        return switches.contains("--help");
    }

    /**
     * @param flag a switch such as {@code --direct}
     * @return whether it was given
     */
    public boolean has(String flag) {
        return switches.contains(flag) || values.containsKey(flag);
    }

    /**
     * @param flag an option taking a value
     * @param defaultValue returned when the option is absent
     * @return the option's value
     */
    public String value(String flag, String defaultValue) {
        return values.getOrDefault(flag, defaultValue);
    }

    /**
     * Reads an integer option.
     *
     * @param flag the option
     * @param defaultValue returned when the option is absent
     * @param min the smallest accepted value
     * @param max the largest accepted value
     * @return the value
     * @throws CommandUsageException when the value is not an integer in {@code [min, max]}
     */
    public int intValue(String flag, int defaultValue, int min, int max) throws CommandUsageException {
        String text = values.get(flag);
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the expectation
        }
        throw new CommandUsageException(flag + ": '" + text + "' (expected: an integer from " + min + " to " + max
                + ")");
    }

    /**
     * Reads a byte-size option such as {@code 64k} (see {@link ByteSizes#parse(String)}).
     *
     * @param flag the option
     * @param defaultValue returned when the option is absent
     * @param min the smallest accepted size
     * @param max the largest accepted size
     * @return the size in bytes
     * @throws CommandUsageException when the value is not a size in {@code [min, max]}
     */
    public int sizeValue(String flag, int defaultValue, int min, int max) throws CommandUsageException {
        String text = values.get(flag);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = ByteSizes.parse(text);
            if (value >= min && value <= max) {
                return (int) value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the expectation
        }
        throw new CommandUsageException(flag + ": '" + text
                + "' (expected: a size in bytes such as 4096, 64k or 1m, from " + ByteSizes.format(min) + " to " + ByteSizes.format(max) + ")");
    }

    /**
     * Checks that exactly the named positional arguments were given and returns them.
     *
     * @param names the arguments' names, for messages, e.g. {@code SRC}, {@code DST}
     * @return the positional arguments, as many as {@code names}
     * @throws CommandUsageException when one is missing or there are too many
     */
    public List<String> positionals(String... names) throws CommandUsageException {
        if (positionals.size() < names.length) {
            throw new CommandUsageException("missing argument " + names[positionals.size()]);
        }
        if (positionals.size() > names.length) {
            throw new CommandUsageException("unexpected argument '" + positionals.get(names.length) + "' (expected: "
                    + (names.length == 0 ? "no arguments" : String.join(" ", names)) + ")");
        }
        return List.copyOf(positionals);
    }
}
