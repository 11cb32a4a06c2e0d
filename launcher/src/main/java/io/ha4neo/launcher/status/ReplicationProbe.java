package io.ha4neo.launcher.status;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.status.MemberStatus;
import io.ha4neo.topology.status.StatusProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

/**
 * Observes replication from the outside: which member accepts writes and which is its standby (every member's
 * {@code CALL ha4neo.status()}, so the probe follows roles as they move), the primary's progress, the standby's
 * watermark node, the topic's end offset and the standby's applier group. Each source may be missing or down; the
 * probe then leaves its fields null and adds a note instead of failing.
 *
 * <pre>{@code
 * try (ReplicationProbe probe = new ReplicationProbe(cluster, Map.of("a", "group-of-a", "b", "group-of-b"))) {
 *     System.out.println(probe.probe().toLine());
 * }
 * }</pre>
 */
public final class ReplicationProbe implements AutoCloseable {
    /** Standalone CALL: every column the procedure has; missing ones simply read as null (the plugin evolves). */
    private static final String STATUS_QUERY = ProcedureNames.call(ProcedureNames.STATUS);
    private static final String WATERMARK_QUERY = "MATCH " + WatermarkNode.matchPattern("w", "database")
            + " RETURN properties(w) AS p";

    private final ClusterDescription cluster;
    private final Map<String, String> applierGroups;
    private final ClusterClients clients;

    /**
     * A probe of the members of {@code cluster}; {@code applierGroups} names each member's applier consumer group
     * (the lag tools' view of its position). Opens clients lazily; {@link #close()} closes them.
     */
    public ReplicationProbe(ClusterDescription cluster, Map<String, String> applierGroups) {
        this.cluster = cluster;
        this.applierGroups = Map.copyOf(applierGroups);
        this.clients = new ClusterClients(cluster, Duration.ofSeconds(3));
    }

    /** One snapshot; never throws for an unreachable or incomplete piece. */
    public ReplicationStatus probe() {
        List<String> notes = new ArrayList<>();
        List<MemberStatus> members = new StatusProbe(clients).members();
        members.stream().filter(m -> m.error() != null).forEach(m -> notes.add(m.name() + ": " + m.error()));
        MemberStatus primary = MemberStatus.writablePrimary(members).orElse(null);
        MemberStatus standby = members.stream().filter(MemberStatus::isStandby)
                .filter(m -> primary == null || !m.name().equals(primary.name())).findFirst().orElse(null);
        if (primary == null) {
            notes.add("no member accepts writes now (a switchover in progress, or no primary)");
        }
        if (standby == null) {
            notes.add("no member is a standby now");
        }
        Record status = primary == null ? null : primaryStatus(primary.name(), notes);
        Map<String, Object> watermark = standby == null ? null : standbyWatermark(standby.name(), notes);
        return new ReplicationStatus(primary == null ? null : primary.name(), standby == null ? null : standby.name(),
                primary == null ? null : primary.epoch(), longOf(watermark, WatermarkNode.EPOCH),
                longOf(status, StatusColumns.LAST_COMMITTED_ID), longOf(status, StatusColumns.LAST_PUBLISHED_ID),
                longOf(status, StatusColumns.LAST_SPOOLED_ID), longOf(status, StatusColumns.SPOOL_BYTES),
                boolOf(status, StatusColumns.SEMI_SYNC_FALLBACK), longOf(watermark, WatermarkNode.COMMIT_ID),
                longOf(watermark, WatermarkNode.SOURCE_COMMIT_TIME_MILLIS),
                longOf(watermark, WatermarkNode.APPLIED_AT_MILLIS), longOf(watermark, WatermarkNode.OFFSET),
                topicEndOffset(notes), standby == null ? null : applierGroupOffset(standby.name(), notes),
                List.copyOf(notes));
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
        clients.close();
    }

    private Record primaryStatus(String member, List<String> notes) {
        try (Session session = clients.session(cluster.requireMember(member))) {
            List<Record> rows = session.run(STATUS_QUERY).list();
            return rows.stream().filter(r -> cluster.database().equals(r.get(StatusColumns.DATABASE).asString(null)))
                    .findFirst()
                    .orElseGet(() -> rows.isEmpty() ? null : rows.get(0));
        } catch (RuntimeException e) {
            notes.add(member + " (primary): ha4neo.status() unavailable (" + firstLine(e) + ")");
            return null;
        }
    }

    private Map<String, Object> standbyWatermark(String member, List<String> notes) {
        try (Session session = clients.session(cluster.requireMember(member))) {
            List<Record> rows = session.run(WATERMARK_QUERY, Map.of("database", cluster.database())).list();
            if (rows.isEmpty()) {
                notes.add(member + " (standby): no " + WatermarkNode.LABEL + " node for database '"
                        + cluster.database() + "' yet");
                return null;
            }
            return rows.get(0).get("p").asMap();
        } catch (RuntimeException e) {
            notes.add(member + " (standby): watermark unavailable (" + firstLine(e) + ")");
            return null;
        }
    }

    private Long topicEndOffset(List<String> notes) {
        TopicPartition partition = new TopicPartition(cluster.topic(), 0);
        try {
            return clients.admin().listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(5, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            notes.add("kafka: end offset of " + cluster.topic() + " unavailable (" + firstLine(e) + ")");
            return null;
        }
    }

    /**
     * The committed offset of the standby's applier group (each member's applier has its own, so that the idle one
     * on the primary never takes the partition from the working one); null when the probe was given no group.
     */
    private Long applierGroupOffset(String member, List<String> notes) {
        String group = applierGroups.get(member);
        if (group == null) {
            return null;
        }
        TopicPartition partition = new TopicPartition(cluster.topic(), 0);
        try {
            OffsetAndMetadata committed = clients.admin().listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS).get(partition);
            return committed == null ? null : committed.offset();
        } catch (Exception e) {
            notes.add("kafka: offsets of the applier group " + group + " unavailable (" + firstLine(e) + ")");
            return null;
        }
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
