package io.ha4neo.capture;

import io.ha4neo.capture.config.CaptureConfig;
import io.ha4neo.capture.config.Neo4jConfFile;
import io.ha4neo.capture.metrics.CaptureMetrics;
import io.ha4neo.capture.txlog.Neo4jVersionPolicy;
import io.ha4neo.capture.txlog.RetentionCheck;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;
import org.neo4j.logging.InternalLog;
import org.neo4j.logging.internal.LogService;
import org.neo4j.storageengine.api.TransactionIdStore;

/**
 * Per-database lifecycle of the plugin. For the replicated database it runs a {@link ReplicationMember} (write
 * guard, and capture while primary); other databases (system included) are left alone.
 *
 * <p>Bad configuration: start() throws, so Neo4j does not start the replicated database and neo4j.log names
 * the key and the fix. Refusing is deliberate: a primary that accepted writes without capture would silently
 * diverge from its standbys. Other databases and the DBMS stay up.
 */
final class CaptureLifecycle extends LifecycleAdapter {
    private final GraphDatabaseAPI database;
    private final DatabaseManagementService dbms;
    private final InternalLog log;
    private final Config neo4jConfig;
    private ReplicationMember member;
    private int metricsPort;

    CaptureLifecycle(GraphDatabaseAPI database, DatabaseManagementService dbms, LogService logService, Config config) {
        this.database = database;
        this.dbms = dbms;
        this.log = logService.getUserLog(CaptureLifecycle.class);
        this.neo4jConfig = config;
    }

    @Override
    public void start() throws Exception {
        if ("system".equals(database.databaseName())) {
            return;
        }
        CaptureConfig config = loadConfig();
        if (!config.database().equals(database.databaseName())) {
            return;
        }
        warnAboutTransactionLogRepair(config);
        boolean authEnabled = neo4jConfig.get(GraphDatabaseSettings.auth_enabled);
        member = new ReplicationMember(config, dbms, this::lastCommittedId, () -> StoreContentReader.read(database),
                new LogRepair(database), new DatabaseListenerRegistry(database),
                log, authEnabled);
        try {
            member.start();
        } catch (RuntimeException e) {
            log.error("ha4neo: database '%s' will not start: %s", database.databaseName(), e.getMessage());
            throw e;
        }
        ReplicationMember started = member;
        DatabaseListenerRegistry.onAvailability(database, started::databaseAvailable, started::databaseUnavailable);
        CaptureRegistry.register(member);
        CaptureMetrics.acquire(config.metricsAddress(), config.metricsPort(), CaptureRegistry::statuses);
        metricsPort = config.metricsPort();
        log.info("ha4neo capture plugin started for database '%s' in role %s", database.databaseName(), member.role());
    }

    /**
     * One WARN line when a repair from Neo4j's transaction log would not work: on a Neo4j version the log reader does
     * not support (2025.x), or with a log retention shorter than the spool.
     */
    private void warnAboutTransactionLogRepair(CaptureConfig config) {
        Neo4jVersionPolicy.startupNotice(Neo4j526TransactionLogReader.runningVersion())
                .or(() -> RetentionCheck.check(neo4jConfig.get(GraphDatabaseSettings.keep_logical_logs),
                        neo4jConfig.get(GraphDatabaseSettings.logical_log_rotation_threshold), config.spoolMaxBytes()))
                .ifPresent(line -> log.warn("ha4neo: %s", line));
    }

    private CaptureConfig loadConfig() {
        Path home = neo4jConfig.get(GraphDatabaseSettings.neo4j_home);
        Map<String, String> env = System.getenv();
        Map<String, String> raw = Neo4jConfFile.read(Neo4jConfFile.locate(home, env), env);
        try {
            return CaptureConfig.parse(raw, neo4jConfig.get(GraphDatabaseSettings.initial_default_database), home);
        } catch (RuntimeException e) {
            log.error("ha4neo: invalid configuration, database '%s' will not start: %s", database.databaseName(),
                    e.getMessage());
            throw e;
        }
    }

    private long lastCommittedId() {
        return database.getDependencyResolver().resolveDependency(TransactionIdStore.class).getLastCommittedTransactionId();
    }

    @Override
    public void stop() throws Exception {
        if (member != null) {
            CaptureRegistry.unregister(member.database());
            CaptureMetrics.release(metricsPort);
            member.stop();
            member = null;
        }
    }
}
