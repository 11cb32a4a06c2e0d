package io.ha4neo.capture.standby;

import io.ha4neo.schemas.topology.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The member's role and epoch as last set at runtime (promotion, rejoin, {@code ha4neo.setRole}), persisted so they
 * survive restarts and win over {@code ha4neo.role} and {@code ha4neo.epoch} in neo4j.conf. Written atomically (temp
 * file + rename) as {@code role=<role>} and {@code epoch=<n>} lines; a file holding only a role name (written by
 * earlier versions) reads with the configured epoch.
 */
public final class RoleFile {
    /** What the file holds. */
    public record State(Role role, long epoch) {
    }

    private final Path file;

    public RoleFile(Path dir) {
        this.file = dir.resolve("role");
    }

    /** The persisted state; {@code configuredEpoch} fills in for a file without an epoch. */
    public Optional<State> read(long configuredEpoch) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!text.contains("=")) {
                return Optional.of(new State(Role.parse(text), configuredEpoch));
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return Optional.of(new State(Role.parse(values.get("role")),
                    values.containsKey("epoch") ? Long.parseLong(values.get("epoch")) : configuredEpoch));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ha4neo role file " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the ha4neo role file " + file + " is damaged (" + e.getMessage()
                    + "); it holds lines role=primary|standby|fenced and epoch=<n>", e);
        }
    }

    public void write(Role role, long epoch) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("role.tmp");
            Files.writeString(tmp, "role=" + role.name().toLowerCase(Locale.ROOT) + "\nepoch=" + epoch + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist the ha4neo role to " + file, e);
        }
    }

    public Path path() {
        return file;
    }
}
