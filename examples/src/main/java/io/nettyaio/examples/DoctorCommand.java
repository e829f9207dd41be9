package io.nettyaio.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code doctor [PATH]}: prints what this machine and process offer netty-aio (kernel, Linux AIO, io_uring, the
 * sysctls and seccomp mode that decide them), what the file system holding PATH supports (RWF_NOWAIT, O_DIRECT and
 * its alignment), which engine each kind of loop gets, and the settings in force.
 */
public final class DoctorCommand {
    static final String USAGE = "usage: doctor [PATH]\n"
            + "  Prints what this machine and process offer netty-aio and what the library will do.\n"
            + "  PATH   a directory on the file system to examine (default: the working directory); a small\n"
            + "         temporary file is created there and deleted\n"
            + "  Exit status: 0 when Linux AIO or io_uring can serve, 1 when only the blocking fallback can,\n"
            + "  2 for a bad command line.\n";
    private DoctorCommand() { }

    /**
     * Runs the command on the process's standard streams.
     *
     * @param args the options after {@code doctor}
     * @return the exit status: 0 fast path available, 1 only the fallback, 2 bad command line
     */
    public static int run(String[] args) throws Exception {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Path dir;
        try {
            CommandLine cl = CommandLine.parse(args, Set.of(), Set.of());
            if (cl.helpRequested()) {
                out.print(USAGE);
                return 0;
            }
            List<String> given;
            try {
                given = cl.positionals();
            } catch (CommandUsageException one) {
                given = cl.positionals("PATH");
            }
            dir = given.isEmpty() ? Path.of("") : Path.of(given.get(0));
            if (!Files.isDirectory(dir.toAbsolutePath())) {
                throw new CommandUsageException("PATH: '" + dir + "' (expected: an existing directory)");
            }
        } catch (CommandUsageException e) {
            err.println("doctor: " + e.getMessage());
            err.println("Run 'doctor --help' for usage.");
            return 2;
        }
        Doctor doctor = Doctor.examine(dir);
        int width = 0;
        for (String name : doctor.findings().keySet()) {
            width = Math.max(width, name.length());
        }
        for (Map.Entry<String, String> f : doctor.findings().entrySet()) {
            out.println(String.format("%-" + (width + 2) + "s%s", f.getKey(), f.getValue()));
        }
        out.flush();
        return doctor.fastPath() ? 0 : 1;
    }
}
