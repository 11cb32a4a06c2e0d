package io.ha4neo.launcher.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The control file of a running local stack, {@code <state-dir>/stack.properties}: which launcher JVM owns the stack
 * and where its endpoints are. {@code up} writes it, {@code status} reads it, {@code stop} signals the launcher it
 * names. It is deleted when the launcher shuts down cleanly.
 */
public final class StackState {
    /** File name inside the state directory. */
    public static final String FILE_NAME = "stack.properties";

    private final Map<String, String> values;

    private StackState(Map<String, String> values) {
        this.values = values;
    }

    /** A new state owned by this JVM. */
    public static StackState ownedByThisJvm() {
        ProcessHandle self = ProcessHandle.current();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("launcher.pid", Long.toString(self.pid()));
        v.put("launcher.startMillis", Long.toString(startMillis(self)));
        v.put("phase", "starting");
        return new StackState(v);
    }

    /** The state in {@code stateDir}, if a launcher wrote one. */
    public static Optional<StackState> read(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, String> v = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> v.put(k, p.getProperty(k)));
        return Optional.of(new StackState(v));
    }

    /** Deletes the control file of {@code stateDir}, if any. */
    public static void delete(Path stateDir) {
        try {
            Files.deleteIfExists(stateDir.resolve(FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + stateDir.resolve(FILE_NAME), e);
        }
    }

    /** Sets one value; returns this state for chaining. */
    public StackState with(String key, Object value) {
        values.put(key, value == null ? "" : value.toString());
        return this;
    }

    /** A value, or null when absent or empty. */
    public String get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The launcher process, if the very JVM that wrote this state still runs. */
    public Optional<ProcessHandle> liveLauncher() {
        long pid = Long.parseLong(values.getOrDefault("launcher.pid", "-1"));
        long started = Long.parseLong(values.getOrDefault("launcher.startMillis", "0"));
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> started == 0 || Math.abs(startMillis(h) - started) <= 2_000);
    }

    /** Writes the state atomically (temp file + rename), so a concurrent reader never sees half of it. */
    public void write(Path stateDir) {
        Properties p = new Properties();
        p.putAll(values);
        Path tmp = stateDir.resolve(FILE_NAME + ".tmp");
        try {
            Files.createDirectories(stateDir);
            try (Writer out = Files.newBufferedWriter(tmp)) {
                p.store(out, "ha4neo local stack, written by the launcher at " + Instant.now());
            }
            Files.move(tmp, stateDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateDir.resolve(FILE_NAME), e);
        }
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
