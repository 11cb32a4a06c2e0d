package io.ha4neo.capture.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.config.Setting;

/** A small in-process Neo4j Community DBMS for mapping tests: no Bolt, a tiny page cache. */
public final class EmbeddedNeo4j implements AutoCloseable {
    public static final String DATABASE = GraphDatabaseSettings.DEFAULT_DATABASE_NAME;

    public final DatabaseManagementService dbms;
    public final GraphDatabaseService db;

    public EmbeddedNeo4j(Path home) {
        this(home, Map.of());
    }

    /** With {@code settings} on top of the defaults above (a tiny transaction-log retention, for instance). */
    public EmbeddedNeo4j(Path home, Map<Setting<?>, Object> settings) {
        keepThePluginAway(home);
        dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.pagecache_memory, 16L << 20)
                .setConfig(BoltConnector.enabled, false)
                .setConfig(settings)
                .build();
        db = dbms.database(DATABASE);
    }

    /**
     * The plugin's extension is on this classpath, so Neo4j loads it. Pointing it at another database leaves this
     * one without write guard or capture: the tests register their own listener.
     */
    private static void keepThePluginAway(Path home) {
        try {
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf").resolve("neo4j.conf"),
                    "ha4neo.role=standby\nha4neo.database=not-replicated-in-unit-tests\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(Consumer<Transaction> work) {
        try (Transaction tx = db.beginTx()) {
            work.accept(tx);
            tx.commit();
        }
    }

    public <T> T writeAndGet(Function<Transaction, T> work) {
        try (Transaction tx = db.beginTx()) {
            T result = work.apply(tx);
            tx.commit();
            return result;
        }
    }

    @Override
    public void close() {
        dbms.shutdown();
    }
}
