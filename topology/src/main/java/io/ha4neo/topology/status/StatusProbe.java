package io.ha4neo.topology.status;

import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.cluster.Zone;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;

/**
 * Takes a {@link ClusterStatus} snapshot: asks every member {@code CALL ha4neo.status()} (in parallel, so one
 * unreachable member costs one timeout, not one per member), reads each standby's applier endpoint when the file
 * names it, and reads the topic's end offset from Kafka. Nothing here throws for a member or broker that is down;
 * it becomes a field and a problem ({@link ClusterHealth}).
 */
public final class StatusProbe {
    private static final String STATUS_QUERY = ProcedureNames.call(ProcedureNames.STATUS);

    private final ClusterClients clients;
    private final ClusterDescription cluster;
    private final Duration timeout;
    private final HttpClient http;

    public StatusProbe(ClusterClients clients) {
        this.clients = clients;
        this.cluster = clients.cluster();
        this.timeout = clients.timeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** One snapshot of the whole cluster. */
    public ClusterStatus probe() {
        List<MemberStatus> members = members();
        KafkaStatus kafka = probeKafka();
        List<ZoneStatus> zones = cluster.zones().stream().map(this::probeZone).toList();
        List<String> problems = ClusterHealth.problems(cluster, kafka, members, zones);
        return new ClusterStatus(cluster.clusterId(), cluster.database(), cluster.topic(), problems.isEmpty(),
                problems, kafka, members, zones);
    }

    /**
     * Every member's status, in cluster-file order, without asking Kafka: what switchover and failover decide from,
     * and how a client finds the member that accepts writes ({@link MemberStatus#acceptsWrites()}).
     */
    public List<MemberStatus> members() {
        return withLag(probeMembers());
    }

    private List<MemberStatus> probeMembers() {
        ExecutorService pool = Executors.newFixedThreadPool(cluster.members().size(), r -> {
            Thread t = new Thread(r, "ha4neo-status-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<MemberStatus>> futures = cluster.members().stream()
                    .map(m -> CompletableFuture.supplyAsync(() -> probe(m), pool)).toList();
            List<MemberStatus> statuses = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                statuses.add(await(futures.get(i), cluster.members().get(i)));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for one member's probe: the driver's own timeouts end it, the extra margin only guards a hang. */
    private MemberStatus await(CompletableFuture<MemberStatus> future, Member member) {
        try {
            return future.get(timeout.toMillis() * 3 + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(member, "interrupted", null);
        } catch (Exception e) {
            return unreachable(member, "no answer within " + (timeout.toMillis() * 3 + 1_000) + " ms", null);
        }
    }

    private MemberStatus probe(Member member) {
        ApplierStatus applier = ApplierStatus.ofMember(member.applierMetrics().stream().map(this::probeApplier)
                .toList());
        try (Session session = clients.session(member)) {
            Record row = session.run(STATUS_QUERY, TransactionConfig.builder().withTimeout(timeout).build()).single();
            return fromRow(member, row, applier);
        } catch (ServiceUnavailableException | SessionExpiredException e) {
            return unreachable(member, firstLine(e), applier);
        } catch (RuntimeException e) {
            return new MemberStatus(member.name(), member.zone(), member.bolt().toString(), true,
                    "CALL " + ProcedureNames.STATUS + "() failed: " + firstLine(e) + hint(e), null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null, null, applier);
        }
    }

    private static String hint(RuntimeException e) {
        String text = String.valueOf(e.getMessage());
        return text.contains("no procedure") || text.contains("ProcedureNotFound")
                ? " (is the capture plugin jar in the member's plugins/ and dbms.security.procedures.unrestricted="
                + "ha4neo.* set?)" : "";
    }

    private static MemberStatus fromRow(Member member, Record row, ApplierStatus applier) {
        String role = text(row, StatusColumns.ROLE);
        boolean primary = "primary".equals(role);
        boolean standby = "standby".equals(role);
        return new MemberStatus(member.name(), member.zone(), member.bolt().toString(), true, null, role,
                text(row, StatusColumns.CLUSTER_ID), text(row, StatusColumns.TOPIC), number(row, StatusColumns.EPOCH),
                primary ? bool(row, StatusColumns.FROZEN) : null,
                text(row, StatusColumns.PUBLISHER_STATE), number(row, StatusColumns.LAST_COMMITTED_ID),
                primary ? number(row, StatusColumns.LAST_SPOOLED_ID) : null,
                primary ? number(row, StatusColumns.LAST_PUBLISHED_ID) : null,
                primary ? textList(row, StatusColumns.GAPS) : null,
                primary ? emptyToNull(text(row, StatusColumns.LAST_ERROR)) : null,
                textList(row, StatusColumns.DIVERGENT_TAIL),
                primary ? null : number(row, StatusColumns.APPLIED_COMMIT_ID),
                primary ? null : number(row, StatusColumns.APPLY_DELAY_MS), null,
                standby ? applier : null);
    }

    private static MemberStatus unreachable(Member member, String why, ApplierStatus applier) {
        return new MemberStatus(member.name(), member.zone(), member.bolt().toString(), false, why, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, applier);
    }

    /**
     * Standby lag is measured against the primary that accepts writes: without one, "behind whom?" has no answer (a
     * frozen primary during a switchover does not count: the promoted member is the one the standbys will follow).
     */
    private static List<MemberStatus> withLag(List<MemberStatus> members) {
        MemberStatus primary = MemberStatus.writablePrimary(members).orElse(null);
        Long primaryLastEvent = primary == null ? null : lastEvent(primary);
        Long primaryEpoch = primary == null ? null : primary.epoch();
        return members.stream().map(m -> m.withLag(primaryEpoch, primaryLastEvent)).toList();
    }

    private static Long lastEvent(MemberStatus primary) {
        return primary.lastSpooledId() != null ? primary.lastSpooledId() : primary.lastCommittedId();
    }

    private ApplierStatus probeApplier(URI metrics) {
        try {
            HttpResponse<String> ready = get(metrics.resolve("/ready"));
            Double lag = PrometheusText.firstValue(get(metrics).body(), MetricNames.APPLIER_LAG_SECONDS).orElse(null);
            return new ApplierStatus(metrics.toString(), true, ready.statusCode() == 200, ready.body().strip(), lag);
        } catch (IOException | RuntimeException e) {
            return new ApplierStatus(metrics.toString(), false, null, firstLine(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApplierStatus(metrics.toString(), false, null, "interrupted", null);
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private KafkaStatus probeKafka() {
        return endOffset(clients.admin(), cluster.topic(), cluster.kafka().bootstrapServers());
    }

    private static final String NO_LATENCY_YET = "no replication latency for the copy yet (MirrorMaker reports one "
            + "once it has copied a record of it)";

    /** The zone's copy of the topic in its own cluster, and MirrorMaker's latency into it. */
    private ZoneStatus probeZone(Zone zone) {
        KafkaStatus copy = endOffset(clients.admin(zone), zone.topic(), zone.kafka().bootstrapServers());
        String mirrorMaker = zone.mirrorMaker().map(URI::toString).orElse(null);
        Boolean answered = null;
        Double latency = null;
        String mirrorError = null;
        if (mirrorMaker != null) {
            try {
                HttpResponse<String> metrics = get(zone.mirrorMakerMetrics());
                answered = metrics.statusCode() == 200;
                latency = !answered ? null : PrometheusText.largestWithLabel(metrics.body(),
                        MetricNames.MIRROR_MAKER_REPLICATION_LATENCY_MS, "topic", zone.topic()).orElse(null);
                mirrorError = !answered ? "HTTP " + metrics.statusCode() : latency == null ? NO_LATENCY_YET : null;
            } catch (IOException | RuntimeException e) {
                answered = false;
                mirrorError = firstLine(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answered = false;
                mirrorError = "interrupted";
            }
        }
        return new ZoneStatus(zone.name(), copy.bootstrapServers(), zone.topic(), copy.reachable(),
                copy.topicEndOffset(), copy.error(), mirrorMaker, answered, latency, mirrorError);
    }

    private KafkaStatus endOffset(Admin admin, String topic, String servers) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try {
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS).offset();
            return new KafkaStatus(servers, true, end, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new KafkaStatus(servers, false, null, "interrupted");
        } catch (Exception e) {
            return new KafkaStatus(servers, false, null, firstLine(e));
        }
    }

    private static String text(Record row, String column) {
        Value v = row.containsKey(column) ? row.get(column) : null;
        return v == null || v.isNull() ? null : v.asString();
    }

    private static Long number(Record row, String column) {
        Value v = row.containsKey(column) ? row.get(column) : null;
        return v == null || v.isNull() ? null : v.asLong();
    }

    private static Boolean bool(Record row, String column) {
        Value v = row.containsKey(column) ? row.get(column) : null;
        return v == null || v.isNull() ? null : v.asBoolean();
    }

    private static List<String> textList(Record row, String column) {
        Value v = row.containsKey(column) ? row.get(column) : null;
        return v == null || v.isNull() ? List.of() : v.asList(Value::asString);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The innermost cause's first line: "Connection refused", not three wrapped stack frames. */
    static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
