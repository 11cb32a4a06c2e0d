package io.ha4neo.it.support;

import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.Neo4jServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * What a failed IT leaves for whoever reads only the build's output: the last log lines of each of its stack's
 * appliers and each server's ha4neo lines, appended to {@value #FILE_NAME} beside the stacks' work directories.
 * {@code .ci/run} prints that file when the build fails, so a failure on a CI machine (whose work directories are
 * gone afterwards) shows what the processes did, not only the assertion.
 */
final class FailureDiagnostics {
    static final String FILE_NAME = "it-failures.log";
    private static final int APPLIER_LINES = 40;
    private static final int SERVER_LINES = 25;
    /** Longer lines are cut: the CI summary keeps only part of the build's output, and one line must not fill it. */
    private static final int LINE_CHARS = 300;

    private FailureDiagnostics() {
    }

    /** Appends the failure of {@code test} and its stack's recent log lines; never throws (the failure is the news). */
    static void record(String test, Throwable cause, TestStack stack) {
        StringBuilder out = new StringBuilder();
        out.append("=== ").append(test).append(" failed: ").append(firstLine(cause)).append('\n');
        for (Map.Entry<String, ApplierProcess> a : stack.appliers().entrySet()) {
            out.append("--- applier of ").append(a.getKey()).append(", last lines of ").append(a.getValue().logFile())
                    .append('\n').append(withoutStackFrames(a.getValue().logFile(), APPLIER_LINES)).append('\n');
        }
        for (Map.Entry<String, Neo4jServer> s : stack.servers().entrySet()) {
            out.append("--- server ").append(s.getKey()).append(", last ha4neo lines of ").append(s.getValue().logFile())
                    .append('\n').append(matching(s.getValue().logFile(), "ha4neo", SERVER_LINES)).append('\n');
        }
        Path file = file();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not write " + file + ": " + e);
        }
        System.out.println(out);
    }

    static Path file() {
        return TestStack.workRoot().resolveSibling(FILE_NAME);
    }

    private static String firstLine(Throwable cause) {
        String text = String.valueOf(cause);
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String withoutStackFrames(Path log, int lines) {
        return last(lines(log).stream().filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t... ")).toList(), lines);
    }

    private static String matching(Path log, String text, int lines) {
        return last(lines(log).stream().filter(l -> l.contains(text)).toList(), lines);
    }

    private static List<String> lines(Path log) {
        try {
            return Files.isRegularFile(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of("(no " + log + ")");
        } catch (IOException | RuntimeException e) {
            return List.of("(unreadable: " + e + ")");
        }
    }

    private static String last(List<String> lines, int n) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()).stream()
                .map(l -> l.length() <= LINE_CHARS ? l : l.substring(0, LINE_CHARS) + " [cut]").toList());
    }
}
