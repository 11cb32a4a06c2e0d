package io.ha4neo.topology.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Renders a {@link ClusterStatus} for people: a header with the topic, one row per member, then the verdict and
 * each problem. "-" marks a value that does not apply or is unknown. Pure.
 *
 * <pre>
 * cluster local, database neo4j, topic ha4neo.local.neo4j: end offset 16 (kafka 127.0.0.1:40449)
 * MEMBER  ZONE  BOLT                    REACHABLE  ROLE     EPOCH  FROZEN  PUBLISHER       COMMITTED  PUBLISHED  APPLIED  LAG  TAIL  APPLIER
 * a       -     bolt://127.0.0.1:38589  yes        primary  1      no      PUBLISHING      12         12         -        -    -     -
 * b       -     bolt://127.0.0.1:38185  yes        standby  1      -       NOT_PUBLISHING  12         -          12       0    -     ready
 * healthy
 * </pre>
 *
 * With zones that have a Kafka cluster of their own, one line per zone follows the header:
 * <pre>
 * zone z2: copy ha4neo.local.neo4j end offset 14 (kafka 127.0.0.1:41023), MirrorMaker replication latency 12 ms
 * </pre>
 *
 * FROZEN is the primary's switchover freeze; TAIL the number of divergent-tail commits of a fenced member (the commits
 * themselves are in its problem line).
 */
public final class StatusTable {
    private static final List<Column> COLUMNS = List.of(
            new Column("MEMBER", MemberStatus::name),
            new Column("ZONE", m -> m.zone().isEmpty() ? null : m.zone()),
            new Column("BOLT", MemberStatus::bolt),
            new Column("REACHABLE", m -> m.reachable() ? "yes" : "NO"),
            new Column("ROLE", MemberStatus::role),
            new Column("EPOCH", MemberStatus::epoch),
            new Column("FROZEN", m -> m.frozen() == null ? null : m.frozen() ? "YES" : "no"),
            new Column("PUBLISHER", MemberStatus::publisherState),
            new Column("COMMITTED", MemberStatus::lastCommittedId),
            new Column("PUBLISHED", MemberStatus::lastPublishedId),
            new Column("APPLIED", MemberStatus::appliedCommitId),
            new Column("LAG", MemberStatus::lagCommits),
            new Column("TAIL", m -> m.divergentTail() == null || m.divergentTail().isEmpty() ? null
                    : m.divergentTail().size()),
            new Column("APPLIER", StatusTable::applier));

    private StatusTable() {
    }

    /** The lines to print. */
    public static List<String> lines(ClusterStatus status) {
        List<String> lines = new ArrayList<>();
        lines.add(header(status));
        status.zones().forEach(z -> lines.add(zone(z)));
        lines.addAll(table(status.members()));
        lines.add(status.healthy() ? "healthy" : "UNHEALTHY: " + status.problems().size() + " problem"
                + (status.problems().size() == 1 ? "" : "s"));
        status.problems().forEach(p -> lines.add("  - " + p));
        return lines;
    }

    private static String header(ClusterStatus s) {
        KafkaStatus k = s.kafka();
        String offset = k.reachable() ? "end offset " + k.topicEndOffset() : "end offset unknown";
        return "cluster " + s.clusterId() + ", database " + s.database() + ", topic " + s.topic() + ": " + offset
                + " (kafka " + k.bootstrapServers() + ")";
    }

    private static String zone(ZoneStatus z) {
        String offset = z.reachable() ? "end offset " + z.topicEndOffset() : "end offset unknown";
        String mirror = z.mirrorMaker() == null ? ""
                : z.mirrorLatencyMs() != null ? String.format(Locale.ROOT, ", MirrorMaker replication latency %.0f ms",
                z.mirrorLatencyMs()) : ", MirrorMaker: " + z.mirrorError();
        return "zone " + z.name() + ": copy " + z.topic() + " " + offset + " (kafka " + z.bootstrapServers() + ")"
                + mirror;
    }

    private static List<String> table(List<MemberStatus> members) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(COLUMNS.stream().map(Column::title).toList());
        members.forEach(m -> rows.add(COLUMNS.stream().map(c -> c.cell(m)).toList()));
        int[] widths = new int[COLUMNS.size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        return rows.stream().map(row -> format(row, widths)).toList();
    }

    private static String format(List<String> row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
            line.append(i == row.size() - 1 ? row.get(i) : String.format(Locale.ROOT, "%-" + (widths[i] + 2) + "s",
                    row.get(i)));
        }
        return line.toString().stripTrailing();
    }

    private static String applier(MemberStatus m) {
        ApplierStatus a = m.applier();
        if (a == null) {
            return null;
        }
        String state = !a.reachable() ? "unreachable" : Boolean.TRUE.equals(a.ready()) ? "ready" : "NOT ready";
        String text = a.lagSeconds() == null ? state : state + String.format(Locale.ROOT, " (lag %.1f s)", a.lagSeconds());
        long passive = a.others().stream().filter(ApplierStatus::passive).count();
        long down = a.others().size() - passive;
        return text + (passive == 0 ? "" : ", " + passive + " passive") + (down == 0 ? "" : ", " + down + " other" + (down == 1 ? "" : "s") + " not standing by");
    }

    private record Column(String title, Function<MemberStatus, Object> value) {
        String cell(MemberStatus m) {
            Object v = value.apply(m);
            return v == null ? "-" : v.toString();
        }
    }
}
