package io.ha4neo.launcher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One operating-system process started by a runner: its output goes to a log file, its PID is recorded with the
 * {@link ProcessReaper} so that it never outlives the run, and it stops with SIGTERM (then SIGKILL) or dies at once
 * with SIGKILL for crash tests.
 */
public final class ChildProcess {
    /** Shutdown phases: the reaper stops lower phases first (clients before servers before the broker). */
    public enum Phase { CLIENT, SERVER, BROKER }

    private final String name;
    private final Phase phase;
    private final Process process;
    private final Path logFile;
    private final ProcessReaper reaper;

    private ChildProcess(String name, Phase phase, Process process, Path logFile, ProcessReaper reaper) {
        this.name = name;
        this.phase = phase;
        this.process = process;
        this.logFile = logFile;
        this.reaper = reaper;
    }

    /**
     * Starts {@code command} in {@code workDir}, appending stdout and stderr to {@code logFile}, and records its PID.
     */
    public static ChildProcess launch(String name, Phase phase, List<String> command, Path workDir, Path logFile,
                                      Map<String, String> environment, ProcessReaper reaper) {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            ChildProcess child = new ChildProcess(name, phase, builder.start(), logFile, reaper);
            reaper.register(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + "); see " + logFile, e);
        }
    }

    /** The path of the running JVM's java binary, used to start every child with the same Java. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The name given at launch, e.g. {@code kafka} or {@code neo4j-primary}. */
    public String name() {
        return name;
    }

    /** When the reaper stops this process relative to the others. */
    public Phase phase() {
        return phase;
    }

    /** The operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** The process handle, e.g. for its start instant. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The file receiving stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or null while the process runs. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /**
     * Sends SIGTERM and waits up to {@code grace}; kills with SIGKILL if still running.
     *
     * @return true when the process exited by itself within the grace period
     */
    public boolean stop(Duration grace) {
        if (!process.isAlive()) {
            reaper.unregister(this);
            return true;
        }
        process.destroy();
        boolean graceful = waitFor(grace);
        if (!graceful) {
            kill();
        }
        reaper.unregister(this);
        return graceful;
    }

    /** Kills the process and its descendants with SIGKILL (a crash, no shutdown hooks) and waits for it to go. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
        reaper.unregister(this);
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + logFile + ")";
    }
}
