package io.ha4neo.launcher.status;

import io.ha4neo.schemas.topology.TopicNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.ProcedureNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Value;

/**
 * Observes replication from the outside: the primary's {@code CALL ha4neo.status()}, the standby's watermark node
 * and the topic's end offset. Each source may be missing or down; the probe then leaves its fields null and adds a
 * note instead of failing.
 *
 * <pre>{@code
 * try (ReplicationProbe probe = new ReplicationProbe(primaryUri, auth, standbyUri, auth, bootstrap, topic, "neo4j")) {
 *     System.out.println(probe.probe().toLine());
 * }
 * }</pre>
 */
public final class ReplicationProbe implements AutoCloseable {
    /** Standalone CALL: every column the procedure has; missing ones simply read as null (the plugin evolves). */
    private static final String STATUS_QUERY = ProcedureNames.call(ProcedureNames.STATUS);
    private static final String WATERMARK_QUERY = "MATCH " + WatermarkNode.matchPattern("w", "database")
            + " RETURN properties(w) AS p";

    private final Driver primary;
    private final Driver standby;
    private final Admin admin;
    private final String topic;
    private final String database;

    /** A probe of one primary/standby pair and their topic; opens clients lazily, {@link #close()} closes them. */
    public ReplicationProbe(String primaryUri, AuthToken primaryAuth, String standbyUri, AuthToken standbyAuth,
                            String bootstrapServers, String topic, String database) {
        this.primary = driver(primaryUri, primaryAuth);
        this.standby = driver(standbyUri, standbyAuth);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000));
        this.topic = topic;
        this.database = database;
    }

    /** One snapshot; never throws for an unreachable or incomplete piece. */
    public ReplicationStatus probe() {
        List<String> notes = new ArrayList<>();
        Record status = primaryStatus(notes);
        Map<String, Object> watermark = standbyWatermark(notes);
        Long endOffset = topicEndOffset(notes);
        return new ReplicationStatus(longOf(status, StatusColumns.LAST_COMMITTED_ID),
                longOf(status, StatusColumns.LAST_PUBLISHED_ID), longOf(status, StatusColumns.LAST_SPOOLED_ID),
                longOf(status, StatusColumns.SPOOL_BYTES), boolOf(status, StatusColumns.SEMI_SYNC_FALLBACK),
                longOf(watermark, WatermarkNode.COMMIT_ID), longOf(watermark, WatermarkNode.SOURCE_COMMIT_TIME_MILLIS),
                longOf(watermark, WatermarkNode.APPLIED_AT_MILLIS), longOf(watermark, WatermarkNode.OFFSET), endOffset,
                applierGroupOffset(notes), List.copyOf(notes));
    }

    /** True when the server behind {@code driver} answers a query now. */
    public static boolean answers(Driver driver) {
        try (Session session = driver.session()) {
            session.run("RETURN 1").consume();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        primary.close();
        standby.close();
        admin.close();
    }

    private Record primaryStatus(List<String> notes) {
        try (Session session = session(primary)) {
            List<Record> rows = session.run(STATUS_QUERY).list();
            return rows.stream().filter(r -> database.equals(r.get(StatusColumns.DATABASE).asString(null))).findFirst()
                    .orElseGet(() -> rows.isEmpty() ? null : rows.get(0));
        } catch (RuntimeException e) {
            notes.add("primary: ha4neo.status() unavailable (" + firstLine(e) + ")");
            return null;
        }
    }

    private Map<String, Object> standbyWatermark(List<String> notes) {
        try (Session session = session(standby)) {
            List<Record> rows = session.run(WATERMARK_QUERY, Map.of("database", database)).list();
            if (rows.isEmpty()) {
                notes.add("standby: no " + WatermarkNode.LABEL + " node for database '" + database + "' yet");
                return null;
            }
            return rows.get(0).get("p").asMap();
        } catch (RuntimeException e) {
            notes.add("standby: watermark unavailable (" + firstLine(e) + ")");
            return null;
        }
    }

    private Long topicEndOffset(List<String> notes) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(5, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            notes.add("kafka: end offset of " + topic + " unavailable (" + firstLine(e) + ")");
            return null;
        }
    }

    /** The applier group's committed offset ({@code ha4neo-applier-<topic>}, the applier's default group id). */
    private Long applierGroupOffset(List<String> notes) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(TopicNames.defaultApplierGroup(topic))
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS).get(partition);
            return committed == null ? null : committed.offset();
        } catch (Exception e) {
            notes.add("kafka: offsets of the applier group unavailable (" + firstLine(e) + ")");
            return null;
        }
    }

    private Session session(Driver driver) {
        return driver.session(SessionConfig.forDatabase(database));
    }

    private static Driver driver(String uri, AuthToken auth) {
        return GraphDatabase.driver(uri, auth, Config.builder().withLogging(Logging.none())
                .withConnectionTimeout(3, TimeUnit.SECONDS).build());
    }

    private static Long longOf(Record record, String key) {
        if (record == null || !record.containsKey(key)) {
            return null;
        }
        Value v = record.get(key);
        return v.isNull() ? null : v.asLong();
    }

    private static Long longOf(Map<String, Object> watermark, String key) {
        return watermark != null && watermark.get(key) instanceof Number n ? n.longValue() : null;
    }

    private static Boolean boolOf(Record record, String key) {
        if (record == null || !record.containsKey(key)) {
            return null;
        }
        Value v = record.get(key);
        return v.isNull() ? null : v.asBoolean();
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
