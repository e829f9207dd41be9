package io.nettyaio.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test class path in a new JVM, for what only a process of its own can show: that it exits
 * by itself, or how it behaves under a descriptor limit ({@code ulimit -n}). Its output goes to files under
 * {@code target/child-jvm/}, shown only when a test fails.
 */
final class ChildJvm {
    private static final Path DIR = Paths.get("target", "child-jvm").toAbsolutePath();

    /** How a child JVM ended. */
    static final class Result {
        /** The exit code, or -1 when it was still running at the deadline (it is killed then). */
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        boolean exitedInTime() {
            return exitCode >= 0;
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    private ChildJvm() { }

    /**
     * @param name names the output files
     * @param descriptorLimit the child's {@code ulimit -n}, or 0 to keep this JVM's
     * @param timeoutSeconds how long the child may run; it is killed after that
     * @param jvmOptions e.g. {@code -Dio.nettyaio.noAio=true}
     * @param main the class whose {@code main} runs
     * @param args its arguments
     */
    static Result run(String name, int descriptorLimit, long timeoutSeconds, List<String> jvmOptions, Class<?> main,
                      String... args) throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        List<String> command = new ArrayList<>();
        if (descriptorLimit > 0) {
            // the shell lowers the limit, then becomes the JVM; "$0" "$@" are the words that follow
            command.addAll(List.of("/bin/sh", "-c", "ulimit -n " + descriptorLimit + " && exec \"$0\" \"$@\""));
        }
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        int feature = Runtime.version().feature();
        if (feature >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        if (feature >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(Arrays.asList(args));
        Path out = DIR.resolve(name + ".out");
        Path err = DIR.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int exitCode;
        if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            exitCode = p.exitValue();
        } else {
            exitCode = -1;
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        return new Result(exitCode, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
