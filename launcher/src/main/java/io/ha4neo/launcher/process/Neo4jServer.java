package io.ha4neo.launcher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;

/**
 * A Neo4j Community server (5.26 LTS by default, or the calendar release: {@link Builder#release(Neo4jRelease)}) run
 * from the server lib dir exactly like a user's install: its own home directory,
 * the packaged plugin jars copied into {@code plugins/}, and {@code plugins/*} on the classpath (without it,
 * {@code ExtensionFactory} services in plugins are never loaded). Ports are chosen once, so {@link #start()} after
 * {@link #stop()} or {@link #kill()} brings the same server back on the same port with the same store.
 *
 * <p>Secure by default, as Neo4j itself is: authentication is on, user {@code neo4j} gets a generated password
 * (or the one given to {@link Builder#password(String)}), further users ({@link Builder#user(Credentials)}) are
 * created through the system database on start, and {@code LOAD CSV} reads files only from the server's own empty
 * {@code import/} directory ({@code server.directories.import}). {@link Builder#authDisabled()} turns
 * authentication off explicitly.
 *
 * <pre>{@code
 * Neo4jServer primary = Neo4jServer.builder("primary", layout.neo4jLibDir(), stateDir.resolve("primary"), reaper)
 *         .plugin(layout.pluginJar())
 *         .setting("ha4neo.role", "primary")
 *         .password("s3cret-pass")          // optional: default is a generated password for user neo4j
 *         .user(applierCredentials)         // optional: another user, created on start
 *         .build();
 * primary.start();                          // waits until RETURN 1 succeeds over Bolt, then creates the users
 * try (Driver driver = primary.driver()) { ... }            // as neo4j
 * try (Driver driver = primary.driver(applierCredentials)) { ... }
 * }</pre>
 *
 * Home layout: {@code conf/neo4j.conf}, {@code plugins/}, {@code data/}, {@code import/} (empty: the only place
 * {@code LOAD CSV FROM 'file:///...'} reads from), {@code logs/neo4j.log} (Neo4j's user log), {@code logs/debug.log},
 * {@code logs/console.log} (the JVM's stdout and stderr), {@code logs/admin.log} (set-initial-password).
 */
public final class Neo4jServer extends ManagedProcess {
    /** The admin user, whose password {@link Builder#password(String)} sets. */
    public static final String USER = "neo4j";
    /** The server's import directory, relative to its home: {@code LOAD CSV} reads {@code file:///} URLs only here. */
    public static final String IMPORT_DIR = "import";

    private final String name;
    private final Neo4jRelease release;
    /** The release's {@code java}, found when the server is built, so a missing JDK fails before anything starts. */
    private final String javaBinary;
    private final Path libDir;
    private final Path homeDir;
    private final ProcessReaper reaper;
    private final List<Path> plugins;
    private final boolean firstStartWithoutPlugins;
    private int starts;
    private final Map<String, String> settings;
    /** Further files of conf/ (e.g. apoc.conf), by file name, written with neo4j.conf. */
    private final Map<String, Map<String, String>> confFiles;
    private final String password;
    private final List<Credentials> users;
    private final String heap;
    private final List<String> jvmOptions;
    private final Duration readinessTimeout;
    private final int boltPort;
    private final int httpPort;

    private Neo4jServer(Builder b) {
        super(Duration.ofSeconds(60));
        this.name = b.name;
        this.release = b.release;
        this.javaBinary = b.release.javaBinary();
        this.libDir = b.libDir;
        this.homeDir = b.homeDir.toAbsolutePath().normalize();
        this.reaper = b.reaper;
        this.plugins = List.copyOf(b.plugins);
        this.firstStartWithoutPlugins = b.firstStartWithoutPlugins;
        this.password = b.password;
        // With authentication off there is nobody to log in as, and Neo4j accepts any token: no users to create.
        this.users = b.password == null ? List.of() : List.copyOf(b.users);
        this.heap = b.heap;
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.readinessTimeout = b.readinessTimeout;
        this.boltPort = FreePorts.next();
        this.httpPort = b.httpEnabled ? FreePorts.next() : -1;
        this.settings = effectiveSettings(b);
        Map<String, Map<String, String>> files = new LinkedHashMap<>();
        b.confFiles.forEach((file, entries) -> files.put(file, Map.copyOf(entries)));
        this.confFiles = Map.copyOf(files);
    }

    /**
     * A builder for a server called {@code name} (used in PID files and messages) with the server lib dir, its own
     * home directory and the reaper that tracks its process.
     */
    public static Builder builder(String name, Path libDir, Path homeDir, ProcessReaper reaper) {
        return new Builder(name, libDir, homeDir, reaper);
    }

    /**
     * Starts the server and waits until it answers {@code RETURN 1} over Bolt: prepares the home directory, copies
     * the plugins, writes neo4j.conf, sets the initial password on the first start, launches the JVM, then creates
     * the users of {@link Builder#user(Credentials)} that do not exist yet.
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("Neo4j server '" + name + "' is already running (pid " + pid() + ")");
        }
        createHome();
        copyPlugins(pluginsForNextStart());
        starts++;
        writeConfiguration();
        setInitialPasswordIfNew();
        process = ChildProcess.launch("neo4j-" + name, ChildProcess.Phase.SERVER, serverCommand(), homeDir,
                homeDir.resolve("logs").resolve("console.log"), neo4jEnvironment(), reaper);
        awaitReadyOrKill();
        createUsersOrKill();
    }

    /** {@code bolt://127.0.0.1:<port>}. */
    public String boltUri() {
        return "bolt://127.0.0.1:" + boltPort;
    }

    /** The Bolt port. */
    public int boltPort() {
        return boltPort;
    }

    /** The HTTP port, or -1 when HTTP is disabled (the default). */
    public int httpPort() {
        return httpPort;
    }

    /** The Neo4j release this server runs. */
    public Neo4jRelease release() {
        return release;
    }

    /** The server's name, e.g. {@code primary}. */
    public String name() {
        return name;
    }

    /** The home directory (conf/, plugins/, data/, logs/). */
    public Path homeDir() {
        return homeDir;
    }

    /** Neo4j's user log, {@code logs/neo4j.log}. */
    public Path logFile() {
        return homeDir.resolve("logs").resolve("neo4j.log");
    }

    /** True when {@code logs/neo4j.log} contains {@code text}. */
    public boolean logContains(String text) {
        return Logs.contains(logFile(), text);
    }

    /** The auth token of the admin user neo4j: basic auth when authentication is on (the default), else none. */
    public AuthToken authToken() {
        return password == null ? AuthTokens.none() : AuthTokens.basic(USER, password);
    }

    /** The password of user neo4j, or null when auth is disabled. */
    public String password() {
        return password;
    }

    /** True unless {@link Builder#authDisabled()} turned authentication off. */
    public boolean authEnabled() {
        return password != null;
    }

    /** The admin user neo4j and its password, or null when authentication is off. */
    public Credentials adminCredentials() {
        return password == null ? null : new Credentials(USER, password);
    }

    /** The users created on start besides neo4j ({@link Builder#user(Credentials)}). */
    public List<Credentials> users() {
        return users;
    }

    /** The import directory ({@code <home>/import}), empty unless someone puts files there. */
    public Path importDir() {
        return homeDir.resolve(IMPORT_DIR);
    }

    /** A new driver for this server as the admin user neo4j; the caller closes it. */
    public Driver driver() {
        return GraphDatabase.driver(boltUri(), authToken(), driverConfig());
    }

    /** A new driver for this server as {@code user} (e.g. the applier's user); the caller closes it. */
    public Driver driver(Credentials user) {
        return GraphDatabase.driver(boltUri(), user.authToken(), driverConfig());
    }

    private static Config driverConfig() {
        return Config.builder().withLogging(Logging.none())
                .withConnectionTimeout(5, TimeUnit.SECONDS)
                .withConnectionAcquisitionTimeout(10, TimeUnit.SECONDS).build();
    }

    /** The entries of conf/'s other files ({@link Builder#confEntry}), by file name. */
    public Map<String, Map<String, String>> confFiles() {
        return confFiles;
    }

    /** The effective neo4j.conf entries. */
    public Map<String, String> settings() {
        return settings;
    }


    private Map<String, String> effectiveSettings(Builder b) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("server.default_listen_address", "127.0.0.1");
        s.put("server.bolt.listen_address", "127.0.0.1:" + boltPort);
        s.put("server.bolt.advertised_address", "127.0.0.1:" + boltPort);
        s.put("server.http.enabled", Boolean.toString(httpPort > 0));
        if (httpPort > 0) {
            s.put("server.http.listen_address", "127.0.0.1:" + httpPort);
        }
        s.put("server.https.enabled", "false");
        s.put("server.memory.heap.initial_size", b.heap);
        s.put("server.memory.heap.max_size", b.heap);
        s.put("server.memory.pagecache.size", b.pageCache);
        s.put("dbms.usage_report.enabled", "false");
        s.put("dbms.security.auth_enabled", Boolean.toString(b.password != null));
        // Without this setting LOAD CSV reads any file the server's OS user can read (file:///etc/passwd).
        s.put("server.directories.import", homeDir.resolve(IMPORT_DIR).toString());
        // Neo4j 5.26 refuses to start on keys no loaded component declares; ha4neo.* and its Kafka pass-through
        // keys are validated by the plugin itself, so the server's strict check is turned off (overridable).
        s.put("server.config.strict_validation.enabled", "false");
        s.putAll(b.settings);
        return Map.copyOf(s);
    }

    private void createHome() {
        for (String dir : List.of("conf", "plugins", "data", "logs", IMPORT_DIR)) {
            createDirectories(homeDir.resolve(dir));
        }
    }

    /**
     * The jars the next {@link #start()} copies into plugins/: none on the first start of a server built with
     * {@link Builder#firstStartWithoutPlugins()}, otherwise every plugin. Jars copied once stay in plugins/.
     */
    synchronized List<Path> pluginsForNextStart() {
        return firstStartWithoutPlugins && starts == 0 ? List.of() : plugins;
    }

    private void copyPlugins(List<Path> jars) {
        for (Path jar : jars) {
            try {
                Files.copy(jar, homeDir.resolve("plugins").resolve(jar.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy plugin " + jar + " into " + homeDir.resolve("plugins"), e);
            }
        }
    }

    private void writeConfiguration() {
        writeConfFile("neo4j.conf", settings);
        confFiles.forEach(this::writeConfFile);
    }

    private void writeConfFile(String fileName, Map<String, String> entries) {
        String text = entries.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
        try {
            Files.writeString(homeDir.resolve("conf").resolve(fileName),
                    "# written by ha4neo Neo4jServer '" + name + "'; rewritten on every start\n" + text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + homeDir.resolve("conf").resolve(fileName), e);
        }
    }

    /**
     * Runs {@code neo4j-admin dbms set-initial-password} (the AdminTool class of the lib dir) before the first start;
     * it writes data/dbms/auth.ini, which the server reads when it creates the system database.
     */
    private void setInitialPasswordIfNew() {
        if (password == null || Files.exists(homeDir.resolve("data").resolve("databases").resolve("system"))) {
            return;
        }
        // A short-lived JVM: the C1 compiler and the serial collector halve its CPU time, which counts on 2 cores.
        runAdmin(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                List.of("dbms", "set-initial-password", password), "admin.log", Duration.ofSeconds(120),
                "setting the initial password of Neo4j server '" + name + "' failed; the server will not start");
    }

    /**
     * Runs {@code neo4j-admin <arguments>} on this server's home and configuration while the server is stopped, e.g.
     * {@code database dump neo4j --to-path=<dir>} or {@code database load neo4j --from-path=<dir>
     * --overwrite-destination=true} (Community's offline backup and restore). A server never started gets its home
     * and neo4j.conf first, so a dump can be loaded into it before its first start. Output goes to
     * {@code logs/admin-<first two arguments>.log}.
     *
     * @throws IllegalStateException when the server is running, or the tool fails or outlasts {@code timeout}; the
     *                               message holds the end of the tool's log
     */
    public synchronized void admin(Duration timeout, String... arguments) {
        if (isRunning()) {
            throw new IllegalStateException("neo4j-admin " + String.join(" ", arguments) + " needs Neo4j server '"
                    + name + "' stopped, but it is running (pid " + pid() + ")");
        }
        createHome();
        writeConfiguration();
        List<String> args = List.of(arguments);
        String log = "admin-" + String.join("-", args.subList(0, Math.min(2, args.size()))) + ".log";
        runAdmin(List.of("-Xmx512m", "-XX:+UseSerialGC"), args, log, timeout,
                "neo4j-admin " + String.join(" ", args) + " on Neo4j server '" + name + "' failed");
    }

    private void runAdmin(List<String> jvmOptions, List<String> arguments, String logName, Duration timeout,
                          String failure) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", libDir.toAbsolutePath() + "/*", "org.neo4j.cli.AdminTool"));
        command.addAll(arguments);
        Path log = homeDir.resolve("logs").resolve(logName);
        ChildProcess admin = ChildProcess.launch("neo4j-admin-" + name, ChildProcess.Phase.CLIENT, command, homeDir,
                log, neo4jEnvironment(), reaper);
        try {
            boolean exited = admin.handle().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS) != null;
            admin.stop(Duration.ZERO);
            if (!exited || admin.exitCode() != 0) {
                throw new IllegalStateException(failure + " (exit " + (exited ? admin.exitCode() : "none") + "); see "
                        + log + ":\n" + Logs.tail(log, 20));
            }
        } catch (Exception e) {
            admin.kill();
            throw e instanceof RuntimeException r ? r
                    : new IllegalStateException(failure + ": it did not finish within " + timeout, e);
        }
    }

    /**
     * Creates each extra user that does not exist yet, over Bolt as neo4j in the system database. Idempotent, so a
     * restart with the same store finds the users in place (their passwords are the ones first set).
     */
    private void createUsersOrKill() {
        if (users.isEmpty()) {
            return;
        }
        try (Driver admin = driver(); Session system = admin.session(SessionConfig.forDatabase("system"))) {
            for (Credentials user : users) {
                system.run("CREATE USER $user IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED",
                        Map.of("user", user.user(), "password", user.password())).consume();
            }
        } catch (RuntimeException e) {
            process.kill();
            throw new IllegalStateException("cannot create the users " + users + " on Neo4j server '" + name + "' at "
                    + boltUri() + "; the server was stopped: " + e.getMessage(), e);
        }
    }

    private Map<String, String> neo4jEnvironment() {
        return Map.of("NEO4J_HOME", homeDir.toString(), "NEO4J_CONF", homeDir.resolve("conf").toString());
    }

    private List<String> serverCommand() {
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(libDir.toAbsolutePath() + "/*:" + homeDir.resolve("plugins") + "/*");
        command.add(release.mainClass());
        command.add("--home-dir=" + homeDir);
        command.add("--config-dir=" + homeDir.resolve("conf"));
        return command;
    }

    private void awaitReadyOrKill() {
        try {
            Readiness.await("Neo4j server '" + name + "' at " + boltUri(), process, logFile(), readinessTimeout,
                    this::answersBolt);
        } catch (RuntimeException e) {
            process.kill();
            throw new IllegalStateException(e.getMessage() + "\nA database that failed to start (e.g. an extension "
                    + "threw) is reported in " + homeDir.resolve("logs").resolve("debug.log"), e);
        }
    }

    /**
     * One probe with a fresh driver: a driver that met the server half-started can keep a stale pooled connection,
     * so no state is carried from one attempt to the next.
     */
    private boolean answersBolt() {
        try (Driver driver = driver(); Session session = driver.session()) {
            return session.run("RETURN 1 AS one", org.neo4j.driver.TransactionConfig.builder()
                    .withTimeout(Duration.ofSeconds(5)).build()).single().get("one").asInt() == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Configures a {@link Neo4jServer}. */
    public static final class Builder {
        private final String name;
        private final Path libDir;
        private final Path homeDir;
        private final ProcessReaper reaper;
        private Neo4jRelease release = Neo4jRelease.LTS_5_26;
        private final List<Path> plugins = new ArrayList<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> confFiles = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of("-XX:+UseSerialGC"));
        private final List<Credentials> users = new ArrayList<>();
        private String password = Credentials.generatePassword();
        private String heap = "512m";
        private String pageCache = "128m";
        private boolean httpEnabled;
        private boolean firstStartWithoutPlugins;
        private Duration readinessTimeout = Duration.ofSeconds(120);

        private Builder(String name, Path libDir, Path homeDir, ProcessReaper reaper) {
            this.name = name;
            this.libDir = libDir;
            this.homeDir = homeDir;
            this.reaper = reaper;
        }

        /**
         * The release whose jars the lib dir holds ({@link Neo4jRelease#libDir(ProjectLayout)}); it chooses the main
         * class and the JDK. Default: {@link Neo4jRelease#LTS_5_26}.
         */
        public Builder release(Neo4jRelease neo4jRelease) {
            this.release = neo4jRelease;
            return this;
        }

        /** A jar to copy into plugins/ (e.g. {@link ProjectLayout#pluginJar()}). */
        public Builder plugin(Path jar) {
            plugins.add(jar);
            return this;
        }

        /**
         * The first {@link Neo4jServer#start()} runs without the plugins (neo4j.conf is the same: Neo4j ignores the
         * plugin's settings then), every later start with them: a store that gets data before the plugin ever runs
         * on it, as a user's existing database does when ha4neo is installed.
         */
        public Builder firstStartWithoutPlugins() {
            this.firstStartWithoutPlugins = true;
            return this;
        }

        /** A neo4j.conf entry, added to or overriding the defaults. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /**
         * An entry of another file in conf/, e.g. {@code confEntry("apoc.conf", "apoc.trigger.enabled", "true")}:
         * the file is written with neo4j.conf on every start, holding every entry given for it.
         */
        public Builder confEntry(String fileName, String key, String value) {
            if (fileName.equals("neo4j.conf")) {
                return setting(key, value);
            }
            confFiles.computeIfAbsent(fileName, f -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** Several neo4j.conf entries. */
        public Builder settings(Map<String, String> entries) {
            settings.putAll(entries);
            return this;
        }

        /**
         * The initial password of user neo4j (at least 8 characters); null turns authentication off, like
         * {@link #authDisabled()}. Default: authentication on with a generated password
         * ({@link Neo4jServer#password()}).
         */
        public Builder password(String initialPassword) {
            if (initialPassword != null && initialPassword.length() < Credentials.MINIMUM_LENGTH) {
                throw new IllegalArgumentException("Neo4j 5 requires a password of at least "
                        + Credentials.MINIMUM_LENGTH + " characters");
            }
            this.password = initialPassword;
            return this;
        }

        /**
         * Turns authentication off ({@code dbms.security.auth_enabled=false}): anyone who reaches the Bolt port may
         * do anything, and the standby guard can no longer tell the applier from a client (docs/standby.md). Users
         * of {@link #user(Credentials)} are then not created.
         */
        public Builder authDisabled() {
            this.password = null;
            return this;
        }

        /**
         * Another user to create on start, besides neo4j (ignored with authentication off). Community Edition has
         * no roles: every user may do everything neo4j may, user management included.
         */
        public Builder user(Credentials credentials) {
            if (credentials.user().equals(USER)) {
                throw new IllegalArgumentException("user " + USER + " is the admin user; set its password with "
                        + "password(...)");
            }
            users.removeIf(u -> u.user().equals(credentials.user()));
            users.add(credentials);
            return this;
        }

        /**
         * Stops without Bolt's quiet period: Neo4j keeps its Bolt event loops for 5 s on a graceful stop by default
         * ({@code internal.dbms.bolt.netty_server_shutdown_quiet_period}), which every restart of a test or benchmark
         * server paid. For processes whose clients are idle when they stop; not for a production server.
         */
        public Builder withoutBoltShutdownQuietPeriod() {
            return setting("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0");
        }

        /** Heap size, both initial and max, e.g. {@code 512m} (default). */
        public Builder heap(String size) {
            this.heap = size;
            return this;
        }

        /** Page cache size, e.g. {@code 128m} (default). */
        public Builder pageCache(String size) {
            this.pageCache = size;
            return this;
        }

        /** Enables HTTP on a free port (default: disabled). */
        public Builder httpEnabled(boolean enabled) {
            this.httpEnabled = enabled;
            return this;
        }

        /** Extra JVM options, added after the heap options (default: {@code -XX:+UseSerialGC}). */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Replaces all extra JVM options, e.g. to choose another garbage collector. */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        /** How long {@link #start()} waits for Bolt to answer (default 120 s). */
        public Builder readinessTimeout(Duration timeout) {
            this.readinessTimeout = timeout;
            return this;
        }

        /** The server; no process is started until {@link Neo4jServer#start()}. */
        public Neo4jServer build() {
            return new Neo4jServer(this);
        }
    }
}
