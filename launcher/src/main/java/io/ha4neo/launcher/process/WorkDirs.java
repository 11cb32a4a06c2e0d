package io.ha4neo.launcher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Work-directory housekeeping shared by the launcher, the test stacks and the benchmark. */
public final class WorkDirs {
    private WorkDirs() {
    }

    /**
     * Deletes {@code dir} and everything below it; nothing happens when it does not exist.
     *
     * @param purpose what the directory held, for the error message (e.g. "the previous test stack")
     */
    public static void deleteRecursively(Path dir, String purpose) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + purpose + " in " + dir + "; delete it by hand", e);
        }
    }
}
