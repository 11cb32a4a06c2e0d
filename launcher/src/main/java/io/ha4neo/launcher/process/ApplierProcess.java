package io.ha4neo.launcher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The sink applier ({@code java -jar sink-applier-all.jar --config <file>}) as a child process, configured with a
 * generated properties file. {@link #start()} returns once the JVM is launched and has survived a short grace
 * period; {@link #awaitHealthy(Duration)} additionally waits for its {@code /health} endpoint when a metrics port
 * is configured.
 *
 * <pre>{@code
 * ApplierProcess applier = ApplierProcess.builder(layout.applierJar(), stateDir.resolve("applier"), reaper)
 *         .property("neo4j.uri", standby.boltUri())
 *         .neo4jCredentials(applierCredentials)     // neo4j.user in the file, the password in the environment
 *         .property("topic", "ha4neo.local.neo4j")
 *         .property("kafka.bootstrap.servers", broker.bootstrapServers())
 *         .metricsPort(FreePorts.next())
 *         .build();
 * applier.start();
 * }</pre>
 *
 * Work dir layout: {@code applier.properties} (never the password given to {@link Builder#neo4jCredentials}),
 * {@code logs/applier.log} (stdout and stderr).
 */
public final class ApplierProcess extends ManagedProcess {
    private static final long LAUNCH_GRACE_MILLIS = 1_500;
    /** The applier's configuration keys and the environment variable the launcher sets (ApplierConfig's rule). */
    static final String USER_KEY = "neo4j.user";
    static final String PASSWORD_KEY = "neo4j.password";
    static final String PASSWORD_ENV = "HA4NEO_NEO4J_PASSWORD";

    private final Path jar;
    private final Path workDir;
    private final ProcessReaper reaper;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Credentials credentials;
    private final List<String> jvmOptions;
    private final int metricsPort;

    private ApplierProcess(Builder b) {
        super(Duration.ofSeconds(30));
        this.jar = b.jar;
        this.workDir = b.workDir.toAbsolutePath().normalize();
        this.reaper = b.reaper;
        this.metricsPort = b.metricsPort;
        this.jvmOptions = List.copyOf(b.jvmOptions);
        Map<String, String> p = new LinkedHashMap<>(b.properties);
        if (metricsPort > 0) {
            p.put("metrics.port", Integer.toString(metricsPort));
        }
        this.credentials = b.credentials;
        Map<String, String> env = new LinkedHashMap<>(b.environment);
        if (credentials != null) {
            if (p.containsKey(PASSWORD_KEY)) {
                throw new IllegalStateException("the applier in " + workDir + " has both " + PASSWORD_KEY + " and "
                        + "neo4jCredentials(" + credentials + "); set one of them");
            }
            p.put(USER_KEY, credentials.user());
            env.put(PASSWORD_ENV, credentials.password()); // the environment wins over the file (ApplierConfig)
        }
        this.properties = Map.copyOf(p);
        this.environment = Map.copyOf(env);
    }

    /** A builder with the applier jar, its own work directory and the reaper that tracks its process. */
    public static Builder builder(Path jar, Path workDir, ProcessReaper reaper) {
        return new Builder(jar, workDir, reaper);
    }

    /**
     * Starts the applier: writes {@code applier.properties}, launches the JVM, and fails (quoting its log) if it
     * exits within the first 1.5 s, for example on a configuration error.
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("applier in " + workDir + " is already running (pid " + pid() + ")");
        }
        writeProperties();
        Path runnableJar = copyJar();
        process = ChildProcess.launch("applier", ChildProcess.Phase.CLIENT, command(runnableJar), workDir, logFile(),
                environment, reaper);
        Readiness.sleep(LAUNCH_GRACE_MILLIS);
        if (!process.isAlive()) {
            process.stop(Duration.ZERO); // forget its PID file
            throw new IllegalStateException("applier exited with code " + process.exitCode() + " right after start; "
                    + "see " + logFile() + ", last lines:\n" + Logs.tail(logFile(), 30));
        }
    }

    /**
     * Waits until {@code GET /health} answers 200.
     *
     * @return true when healthy within the timeout; false when no metrics port is configured or it never answered
     */
    public boolean awaitHealthy(Duration timeout) {
        if (metricsPort <= 0) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && isRunning()) {
            if (httpOk("/health")) {
                return true;
            }
            Readiness.sleep(250);
        }
        return false;
    }

    /** True when {@code GET <path>} on the metrics port answers 200 right now. */
    public boolean httpOk(String path) {
        if (metricsPort <= 0) {
            return false;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(metricsBaseUrl() + path))
                    .timeout(Duration.ofSeconds(2)).build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code http://127.0.0.1:<metricsPort>}, or null when no metrics port is configured. */
    public String metricsBaseUrl() {
        return metricsPort > 0 ? "http://127.0.0.1:" + metricsPort : null;
    }

    /** The metrics port, or 0 when none is configured. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The effective properties written to {@code applier.properties} (without the password of the credentials). */
    public Map<String, String> properties() {
        return properties;
    }

    /** The variables added to the process's environment; holds the password of the credentials. Never log it. */
    Map<String, String> environment() {
        return environment;
    }

    /** The user and password the applier logs in with, or null when they were given as plain properties. */
    public Credentials credentials() {
        return credentials;
    }

    /** The applier's stdout/stderr log. */
    public Path logFile() {
        return workDir.resolve("logs").resolve("applier.log");
    }


    private void writeProperties() {
        Path file = workDir.resolve("applier.properties");
        Properties p = new Properties();
        p.putAll(properties);
        try {
            Files.createDirectories(workDir);
            try (var out = Files.newBufferedWriter(file)) {
                p.store(out, "written by ha4neo ApplierProcess; rewritten on every start");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Copies the jar into the work dir and runs that copy: a rebuild ({@code mvn install}) while the applier runs
     * would otherwise replace the jar under the running JVM, which then fails with NoClassDefFoundError.
     */
    private Path copyJar() {
        Path copy = workDir.resolve(jar.getFileName());
        try {
            Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the applier jar " + jar + " to " + copy, e);
        }
    }

    private List<String> command(Path runnableJar) {
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.javaBinary());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(runnableJar.toString());
        command.add("--config");
        command.add(workDir.resolve("applier.properties").toString());
        return command;
    }

    /** Configures an {@link ApplierProcess}. */
    public static final class Builder {
        private final Path jar;
        private final Path workDir;
        private final ProcessReaper reaper;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Credentials credentials;
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"));
        private int metricsPort;

        private Builder(Path jar, Path workDir, ProcessReaper reaper) {
            this.jar = jar;
            this.workDir = workDir;
            this.reaper = reaper;
        }

        /** One applier configuration key, e.g. {@code neo4j.uri} or {@code kafka.bootstrap.servers}. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** Several applier configuration keys. */
        public Builder properties(Map<String, String> entries) {
            properties.putAll(entries);
            return this;
        }

        /**
         * The Neo4j user the applier logs in as: {@code neo4j.user} goes into applier.properties, the password into
         * the process's environment ({@code HA4NEO_NEO4J_PASSWORD}), so it is in no file the launcher writes.
         */
        public Builder neo4jCredentials(Credentials user) {
            this.credentials = user;
            return this;
        }

        /** An environment variable of the applier process, e.g. an {@code HA4NEO_*} configuration key. */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** The port of the applier's /metrics, /health and /ready endpoints (0 = none, the default). */
        public Builder metricsPort(int port) {
            this.metricsPort = port;
            return this;
        }

        /** Replaces the JVM options (default {@code -Xms64m -Xmx256m -XX:+UseSerialGC}). */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        /** The applier; no process is started until {@link ApplierProcess#start()}. */
        public ApplierProcess build() {
            return new ApplierProcess(this);
        }
    }
}
