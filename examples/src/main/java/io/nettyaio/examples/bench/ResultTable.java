package io.nettyaio.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Formats results as a table for people, one column per result; with exactly two results a third column gives the
 * first divided by the second for the numeric rows.
 */
final class ResultTable {
    private ResultTable() { }

    static String format(List<BenchResult> results) {
        List<String[]> rows = new ArrayList<>();
        boolean ratio = results.size() == 2;
        String[] header = new String[results.size() + (ratio ? 2 : 1)];
        header[0] = "";
        for (int i = 0; i < results.size(); i++) {
            header[i + 1] = results.get(i).engine();
        }
        if (ratio) {
            header[header.length - 1] = results.get(0).engine() + "/" + results.get(1).engine();
        }
        rows.add(header);
        text(rows, results, ratio, "rw", BenchResult::rw);
        text(rows, results, ratio, "block size", r -> Sizes.format(r.bs()));
        text(rows, results, ratio, "iodepth x loops", r -> r.iodepth() + " x " + r.loops());
        text(rows, results, ratio, "O_DIRECT", r -> Boolean.toString(r.direct()));
        number(rows, results, ratio, "ops", "%.0f", r -> r.ops());
        number(rows, results, ratio, "seconds", "%.2f", BenchResult::seconds);
        number(rows, results, ratio, "IOPS", "%.0f", BenchResult::iops);
        number(rows, results, ratio, "MiB/s", "%.1f", BenchResult::mibPerS);
        number(rows, results, ratio, "latency p50 (us)", "%.1f", BenchResult::latUsP50);
        number(rows, results, ratio, "latency p99 (us)", "%.1f", BenchResult::latUsP99);
        number(rows, results, ratio, "latency p99.9 (us)", "%.1f", BenchResult::latUsP999);
        number(rows, results, ratio, "latency max (us)", "%.1f", BenchResult::latUsMax);
        number(rows, results, ratio, "CPU (s)", "%.2f", BenchResult::cpuSeconds);
        number(rows, results, ratio, "CPU per op (us)", "%.2f", BenchResult::cpuUsPerOp);
        number(rows, results, ratio, "loop stall max (us)", "%.0f", BenchResult::loopStallUsMax);
        return render(rows);
    }

    private static void text(List<String[]> rows, List<BenchResult> results, boolean ratio, String name,
                             Function<BenchResult, String> value) {
        String[] row = new String[rows.get(0).length];
        row[0] = name;
        for (int i = 0; i < results.size(); i++) {
            row[i + 1] = value.apply(results.get(i));
        }
        if (ratio) {
            row[row.length - 1] = "";
        }
        rows.add(row);
    }

    private static void number(List<String[]> rows, List<BenchResult> results, boolean ratio, String name,
                               String format, ToDoubleFunction<BenchResult> value) {
        String[] row = new String[rows.get(0).length];
        row[0] = name;
        for (int i = 0; i < results.size(); i++) {
            double v = value.applyAsDouble(results.get(i));
            row[i + 1] = Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
        }
        if (ratio) {
            double a = value.applyAsDouble(results.get(0));
            double b = value.applyAsDouble(results.get(1));
            row[row.length - 1] = Double.isNaN(a) || Double.isNaN(b) || b == 0
                    ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
        }
        rows.add(row);
    }

    private static String render(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i == 0) {
                    line.append(row[i]).append(" ".repeat(widths[i] - row[i].length()));
                } else {
                    line.append("  ").append(" ".repeat(widths[i] - row[i].length())).append(row[i]);
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
