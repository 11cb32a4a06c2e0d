package io.ha4neo.launcher.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small helpers to read process logs for readiness checks and error messages. */
public final class Logs {
    private Logs() {
    }

    /** True when the file exists and contains {@code text}. Unreadable bytes are replaced, never fatal. */
    public static boolean contains(Path file, String text) {
        return Files.isRegularFile(file) && read(file).contains(text);
    }

    /** The last {@code lines} lines of the file, or a note that it does not exist. */
    public static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(" + file + " does not exist)";
        }
        List<String> all = read(file).lines().toList();
        return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
