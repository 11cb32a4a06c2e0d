package io.ha4neo.capture.standby;

import io.ha4neo.schemas.topology.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The member's role as last set at runtime ({@code ha4neo.setRole}), persisted so it survives restarts and wins
 * over {@code ha4neo.role} in neo4j.conf. Written atomically (temp file + rename).
 */
public final class RoleFile {
    private final Path file;

    public RoleFile(Path dir) {
        this.file = dir.resolve("role");
    }

    public Optional<Role> read() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Role.parse(Files.readString(file, StandardCharsets.UTF_8).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ha4neo role file " + file, e);
        }
    }

    public void write(Role role) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("role.tmp");
            Files.writeString(tmp, role.name().toLowerCase(java.util.Locale.ROOT) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist the ha4neo role to " + file, e);
        }
    }

    public Path path() {
        return file;
    }
}
