package io.ha4neo.capture;

import org.neo4j.configuration.Config;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;
import org.neo4j.logging.InternalLog;
import org.neo4j.logging.internal.LogService;

/** Per-database lifecycle of the plugin. */
final class CaptureLifecycle extends LifecycleAdapter {
    private final GraphDatabaseAPI database;
    private final DatabaseManagementService dbms;
    private final InternalLog log;
    private final Config config;

    CaptureLifecycle(GraphDatabaseAPI database, DatabaseManagementService dbms, LogService logService, Config config) {
        this.database = database;
        this.dbms = dbms;
        this.log = logService.getUserLog(CaptureLifecycle.class);
        this.config = config;
    }

    @Override
    public void start() {
        if ("system".equals(database.databaseName())) {
            return;
        }
        log.info("ha4neo capture plugin started for database '%s'", database.databaseName());
    }
}
