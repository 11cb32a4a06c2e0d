package io.ha4neo.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Persistent record of commit-id ranges that were committed but not captured. Each gap is logged at ERROR
 * when found, kept in {@code gaps.log} beside the spool and reported by {@code ha4neo.status()} until an
 * operator repairs the standby and deletes the file (repair tooling comes with bootstrap). Owned by the
 * {@link CaptureService} of the database.
 */
final class GapLog {
    /** One detected gap. */
    record Gap(long first, long last, String reason, Instant detectedAt) {
        @Override
        public String toString() {
            return "commit ids " + first + ".." + last + ": " + reason + " (detected " + detectedAt + ")";
        }
    }

    private final Path file;
    private final List<Gap> gaps = new ArrayList<>();

    GapLog(Path file) {
        this.file = file;
        load();
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 4);
                if (f.length == 4) {
                    gaps.add(new Gap(Long.parseLong(f[0]), Long.parseLong(f[1]), f[3], Instant.parse(f[2])));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the ha4neo gap log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Records and persists a gap. */
    synchronized Gap record(long first, long last, String reason) {
        Gap g = new Gap(first, last, reason.replace('\t', ' ').replace('\n', ' '), Instant.now());
        gaps.add(g);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, g.first() + "\t" + g.last() + "\t" + g.detectedAt() + "\t" + g.reason() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the ha4neo gap log " + file, e);
        }
        return g;
    }

    synchronized List<Gap> gaps() {
        return List.copyOf(gaps);
    }
}
