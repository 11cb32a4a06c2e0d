package io.ha4neo.launcher.process;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Makes sure no child process outlives its run. Every {@link ChildProcess} writes a PID file under
 * {@code <stateRoot>/pids/}; a JVM shutdown hook stops the children that are still running; and when a reaper is
 * first created for a state root, it kills the processes recorded there by an earlier JVM that has since died
 * (a crashed test run, a launcher killed with -9). Processes whose owning JVM is still alive are left alone, so a
 * second JVM (for example {@code ha4neo status}) can share the state root safely.
 *
 * <pre>{@code
 * ProcessReaper reaper = ProcessReaper.forStateRoot(stateDir); // kills stale children of dead runs
 * ChildProcess child = ChildProcess.launch("kafka", Phase.BROKER, command, dir, log, Map.of(), reaper);
 * }</pre>
 */
public final class ProcessReaper {
    private static final Map<Path, ProcessReaper> BY_ROOT = new HashMap<>();
    private static final Duration HOOK_GRACE = Duration.ofSeconds(45);

    private final Path pidDir;
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();

    private ProcessReaper(Path stateRoot) {
        this.pidDir = stateRoot.resolve("pids");
    }

    /**
     * The reaper of a state root, created on first use: it kills stale children of dead JVMs recorded under the
     * root and installs a shutdown hook that stops this JVM's children.
     */
    public static synchronized ProcessReaper forStateRoot(Path stateRoot) {
        Path root = stateRoot.toAbsolutePath().normalize();
        return BY_ROOT.computeIfAbsent(root, r -> {
            reapStale(r);
            ProcessReaper reaper = new ProcessReaper(r);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> reaper.stopAll(HOOK_GRACE), "ha4neo-reaper"));
            return reaper;
        });
    }

    /**
     * Kills every process recorded under {@code stateRoot} whose owning JVM is gone, and deletes their PID files.
     *
     * @return the PIDs that were killed
     */
    public static List<Long> reapStale(Path stateRoot) {
        List<Long> killed = new ArrayList<>();
        for (PidRecord record : records(stateRoot)) {
            if (record.ownerAlive()) {
                continue;
            }
            record.liveProcess().ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
                killed.add(p.pid());
            });
            delete(record.file());
        }
        return killed;
    }

    /** Every PID file under {@code <stateRoot>/pids}, oldest first. */
    public static List<PidRecord> records(Path stateRoot) {
        Path dir = stateRoot.resolve("pids");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".pid")).map(PidRecord::read).flatMap(Optional::stream)
                    .sorted(Comparator.comparingLong(PidRecord::startMillis)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list PID files in " + dir, e);
        }
    }

    /** The recorded processes under {@code stateRoot} that are still running. */
    public static List<PidRecord> running(Path stateRoot) {
        return records(stateRoot).stream().filter(r -> r.liveProcess().isPresent()).toList();
    }

    /** The children of this JVM that are still tracked (started and not yet stopped). */
    public List<ChildProcess> children() {
        return List.copyOf(children);
    }

    /**
     * Stops every tracked child: clients first, then servers, then brokers; the members of one phase in parallel.
     */
    public void stopAll(Duration grace) {
        for (ChildProcess.Phase phase : ChildProcess.Phase.values()) {
            List<Thread> stoppers = new ArrayList<>();
            for (ChildProcess child : children) {
                if (child.phase() == phase) {
                    Thread stopper = new Thread(() -> child.stop(grace), "stop-" + child.name());
                    stopper.start();
                    stoppers.add(stopper);
                }
            }
            stoppers.forEach(ProcessReaper::joinQuietly);
        }
    }

    void register(ChildProcess child) {
        children.add(child);
        PidRecord.of(child, pidDir).write();
    }

    void unregister(ChildProcess child) {
        children.remove(child);
        delete(pidDir.resolve(PidRecord.fileName(child.name(), child.pid())));
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete PID file " + file, e);
        }
    }

    /**
     * One PID file: which process, when it started (to tell it from a later process that reuses the PID), and
     * which JVM owns it.
     *
     * @param file the PID file
     * @param name the child's name
     * @param pid the child's PID
     * @param startMillis the child's start instant, epoch ms
     * @param ownerPid the PID of the JVM that started it
     * @param ownerStartMillis that JVM's start instant, epoch ms
     * @param logFile the child's log file
     */
    public record PidRecord(Path file, String name, long pid, long startMillis, long ownerPid, long ownerStartMillis,
                            String logFile) {
        private static final long START_TOLERANCE_MILLIS = 2_000;

        static String fileName(String name, long pid) {
            return name + "-" + pid + ".pid";
        }

        static PidRecord of(ChildProcess child, Path pidDir) {
            ProcessHandle self = ProcessHandle.current();
            return new PidRecord(pidDir.resolve(fileName(child.name(), child.pid())), child.name(), child.pid(),
                    startMillis(child.handle()), self.pid(), startMillis(self), child.logFile().toString());
        }

        static Optional<PidRecord> read(Path file) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
                return Optional.of(new PidRecord(file, p.getProperty("name"), Long.parseLong(p.getProperty("pid")),
                        Long.parseLong(p.getProperty("startMillis")), Long.parseLong(p.getProperty("ownerPid")),
                        Long.parseLong(p.getProperty("ownerStartMillis")), p.getProperty("logFile")));
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // half-written or deleted meanwhile: nothing we can safely act on
            }
        }

        void write() {
            Properties p = new Properties();
            p.setProperty("name", name);
            p.setProperty("pid", Long.toString(pid));
            p.setProperty("startMillis", Long.toString(startMillis));
            p.setProperty("ownerPid", Long.toString(ownerPid));
            p.setProperty("ownerStartMillis", Long.toString(ownerStartMillis));
            p.setProperty("logFile", logFile);
            try {
                Files.createDirectories(file.getParent());
                try (Writer out = Files.newBufferedWriter(file)) {
                    p.store(out, "ha4neo child process; deleted when it stops");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write PID file " + file, e);
            }
        }

        /** The recorded process, if that very process (not a later one reusing its PID) still runs. */
        public Optional<ProcessHandle> liveProcess() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> sameStart(h, startMillis));
        }

        /** True while the JVM that started the process still runs. */
        public boolean ownerAlive() {
            return ProcessHandle.of(ownerPid).filter(ProcessHandle::isAlive)
                    .filter(h -> sameStart(h, ownerStartMillis)).isPresent();
        }

        private static boolean sameStart(ProcessHandle handle, long expectedMillis) {
            long actual = startMillis(handle);
            return actual == 0 || expectedMillis == 0 || Math.abs(actual - expectedMillis) <= START_TOLERANCE_MILLIS;
        }

        private static long startMillis(ProcessHandle handle) {
            return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        }
    }
}
