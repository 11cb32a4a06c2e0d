package io.ha4neo.it.applier;

import io.ha4neo.schemas.contract.MetricNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.DashboardQueries;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.launcher.process.Credentials;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.launcher.process.Neo4jRelease;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.schemas.topology.ReservedNames;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Values;
import org.neo4j.driver.exceptions.ClientException;

/**
 * The whole pipeline on real processes: a randomized concurrent workload on the primary (every value type,
 * label/property/relationship churn, deletes, a transaction of more than 1 MB that the plugin chunks, index and
 * constraint creation and drops) is captured, published, consumed by the applier process and applied to the
 * standby, whose graph must then equal the primary's exactly. Also checks that lag is visible, both on the
 * applier's {@code /metrics} and through Kafka's own consumer-group offsets, that every metric the Grafana dashboard
 * queries is exposed by the plugins or the applier, and that the stack runs with the secure defaults: authentication
 * on, the applier logged in as its own user (the standby refuses the same tagged write from neo4j), and
 * {@code LOAD CSV} confined to each server's empty import directory.
 *
 * <p>The servers run Neo4j 5.26 LTS; {@link EndToEndEqualityOnCalendarReleaseIT} runs the same test on the calendar
 * release.
 */
class EndToEndEqualityIT {
    private static final long SEED = 20_240_501L;
    /** The plugin's start-up WARN on a Neo4j whose transaction log it cannot read (Neo4jVersionPolicy.startupNotice). */
    private static final String REPAIR_UNAVAILABLE = "but repair from its transaction log is not available on this "
            + "version";

    /** The Neo4j release of the primary and the standby. */
    Neo4jRelease release() {
        return Neo4jRelease.LTS_5_26;
    }

    @Test
    void standbyEqualsPrimaryAfterARandomConcurrentWorkloadWithEveryValueTypeSchemaChangesAndAChunkedTransaction()
            throws Exception {
        int primaryMetricsPort = FreePorts.next();
        int standbyMetricsPort = FreePorts.next();
        try (TestStack stack = TestStack.builder("applier-e2e", release()).withBroker()
                .withPrimary("primary", s -> s.setting("ha4neo.metrics.port", Integer.toString(primaryMetricsPort)))
                .withStandby("standby", s -> s.setting("ha4neo.metrics.port", Integer.toString(standbyMetricsPort)))
                .withApplier("standby").start();
             Driver primary = stack.server("primary").driver();
             Driver standby = stack.server("standby").driver()) {
            for (String server : List.of("primary", "standby")) {
                assertThat(stack.neo4jVersion(server)).as("Neo4j version of %s", server)
                        .startsWith(release().label() + ".");
            }
            theRepairNoticeIsOneLineAndOnlyWhereRepairIsUnavailable(stack);
            loadCsvReadsOnlyTheImportDirectory(stack.server("primary"));
            loadCsvReadsOnlyTheImportDirectory(stack.server("standby"));
            run(primary, "CREATE INDEX w_uid FOR (n:W) ON (n.uid)");
            everyValueTypeNode(primary);
            RandomGraphWorkload load = new RandomGraphWorkload(primary, SEED, 4, 150, 0);
            Thread writers = load.startInBackground();
            schemaChurnAndABigTransaction(primary);
            writers.join();
            assertThat(load.committed()).as("committed workload transactions (first failure: %s)", load.firstFailure())
                    .isGreaterThan(500);

            long caughtUp = Replication.awaitCaughtUp(stack, primary, standby, Duration.ofSeconds(120));
            GraphSnapshot expected = GraphSnapshot.of(primary, Identity.ORIGIN);
            GraphSnapshot actual = GraphSnapshot.of(standby, Identity.REPLICA);
            System.out.printf("e2e: caught up at commit %d; primary %s; %d committed, %d failed%n", caughtUp, expected,
                    load.committed(), load.failures());

            workloadIsNotTrivial(expected);
            expected.assertSameAs(actual);
            assertThat(actual.problems()).as("duplicate keys on the standby").isEmpty();
            lagIsVisibleOnMetricsAndThroughKafkasConsumerGroupOffsets(stack, standby, caughtUp);
            everyMetricTheDashboardQueriesIsExposedByAPluginOrTheApplier(stack, primaryMetricsPort, standbyMetricsPort);
            theApplierWroteAsItsOwnUserWhoseTagAloneIsTrusted(stack, standby);
        }
    }

    /**
     * On 2025.x each member says once, in one line of neo4j.log, that repair from the transaction log is unavailable
     * (capture itself runs); on 5.26, where repair works, nothing is said.
     */
    private void theRepairNoticeIsOneLineAndOnlyWhereRepairIsUnavailable(TestStack stack) throws Exception {
        for (Neo4jServer server : List.of(stack.server("primary"), stack.server("standby"))) {
            List<String> notices = Files.readAllLines(server.logFile()).stream()
                    .filter(line -> line.contains(REPAIR_UNAVAILABLE)).toList();
            if (release() == Neo4jRelease.LTS_5_26) {
                assertThat(notices).as("repair notices in %s", server.logFile()).isEmpty();
            } else {
                assertThat(notices).as("repair notices in %s", server.logFile()).singleElement().asString()
                        .contains(" WARN ", "ha4neo: capture runs on Neo4j " + release().label() + ".");
            }
        }
    }

    /** {@code server.directories.import}: a file in import/ loads, a path elsewhere on the machine does not. */
    private static void loadCsvReadsOnlyTheImportDirectory(Neo4jServer server) throws Exception {
        Files.writeString(server.importDir().resolve("probe.csv"), "a,b\nc,d\n");
        try (Driver driver = server.driver(); Session s = driver.session()) {
            assertThat(s.run("LOAD CSV FROM 'file:///probe.csv' AS l RETURN count(l)").single().get(0).asLong())
                    .as("rows of import/probe.csv on %s", server.name()).isEqualTo(2);
            assertThatThrownBy(() -> s.run("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN count(l)").consume())
                    .as("LOAD CSV of /etc/passwd on %s", server.name()).isInstanceOf(ClientException.class)
                    .hasMessageContaining("Couldn't load the external resource");
        }
    }

    /**
     * Replication above went through the guard's user check: the applier's password is in no file, and the very
     * tagged write the applier makes is refused from the admin user.
     */
    private static void theApplierWroteAsItsOwnUserWhoseTagAloneIsTrusted(TestStack stack, Driver standbyAdmin)
            throws Exception {
        Credentials applier = stack.applierCredentials();
        assertThat(stack.server("standby").settings()).containsEntry("dbms.security.auth_enabled", "true")
                .containsEntry("ha4neo.applier.user", applier.user());
        assertThat(stack.applier().properties()).containsEntry("neo4j.user", applier.user())
                .doesNotContainKey("neo4j.password");
        assertThat(Files.readString(stack.workDir().resolve("applier").resolve("applier.properties")))
                .doesNotContain(applier.password());
        TransactionConfig tagged = TransactionConfig.builder().withMetadata(
                Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)).build();
        try (Session s = standbyAdmin.session()) {
            assertThatThrownBy(() -> s.executeWriteWithoutResult(tx -> tx.run("CREATE (:NotTheApplier)").consume(),
                    tagged)).isInstanceOf(ClientException.class).hasMessageContaining("is a read-only standby");
        }
    }

    private static void workloadIsNotTrivial(GraphSnapshot g) {
        assertThat(g.nodeCount()).as("nodes").isGreaterThan(6_000);
        assertThat(g.relationshipCount()).as("relationships").isGreaterThan(50);
        assertThat(g.schema().keySet()).contains("index w_uid", "index person_name_city", "index knows_since",
                "index item_text", "constraint tag_code", "index tag_code").doesNotContain("index dropped_soon",
                "constraint dropped_constraint");
        String everyType = g.nodes().values().stream().filter(n -> n.contains(":EveryType")).findFirst().orElseThrow();
        assertThat(everyType).contains("BOOLEAN true", "INTEGER -9223372036854775808", "FLOAT NaN", "FLOAT -0.0",
                "FLOAT -Infinity", "BYTES 0x00ff7f", "DATE 0001-01-01", "TIME 23:59:59.999999999-03:30",
                "LOCAL_TIME 00:00:00.000000001", "DATE_TIME 2021-10-31T02:30+02:00[Europe/Berlin]", "DATE_TIME 2021-10-31T02:30+02:00,",
                "LOCAL_DATE_TIME", "DURATION months 14 days -3 seconds 59 nanos 1", "srid 7203", "srid 9157",
                "srid 4326", "srid 4979", "STRING \"😀",
                "LIST [DURATION months 0 days 0 seconds 0 nanos 0, DURATION months -1 days 2 seconds -3 nanos 4]",
                "LIST [POINT srid 9157 (1.0, 2.0, 3.0)]");
    }

    /** One node holding every value type, the edge cases, and an array of each (RegistryModeIT writes it too). */
    static void everyValueTypeNode(Driver primary) {
        ZonedDateTime berlinFirst = ZonedDateTime.ofLocal(LocalDateTime.of(2021, 10, 31, 2, 30),
                ZoneId.of("Europe/Berlin"), ZoneOffset.ofHours(2));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bool", true);
        p.put("longMin", Long.MIN_VALUE);
        p.put("longMax", Long.MAX_VALUE);
        p.put("nan", Double.NaN);
        p.put("posInf", Double.POSITIVE_INFINITY);
        p.put("negInf", Double.NEGATIVE_INFINITY);
        p.put("negZero", -0.0);
        p.put("string", "😀 unicode 日本語 \u0000 end");
        p.put("bytes", new byte[] {0, -1, 127});
        p.put("date", LocalDate.of(1, 1, 1));
        p.put("time", OffsetTime.of(LocalTime.of(23, 59, 59, 999_999_999), ZoneOffset.ofHoursMinutes(-3, -30)));
        p.put("localTime", LocalTime.ofNanoOfDay(1));
        p.put("dstOverlapEarlier", berlinFirst);
        p.put("dstOverlapLater", berlinFirst.withLaterOffsetAtOverlap());
        p.put("offsetDateTime", ZonedDateTime.of(LocalDateTime.of(2021, 10, 31, 2, 30), ZoneOffset.ofHours(2)));
        p.put("localDateTime", LocalDateTime.of(-999, 1, 2, 3, 4, 5, 6));
        p.put("duration", Values.isoDuration(14, -3, 59, 1));
        p.put("cartesian", Values.point(7203, 1.5, -2.5));
        p.put("cartesian3d", Values.point(9157, 1, 2, 3));
        p.put("wgs84", Values.point(4326, 13.4, 52.5));
        p.put("wgs843d", Values.point(4979, 13.4, 52.5, 34));
        p.put("longs", List.of(Long.MIN_VALUE, 0L, Long.MAX_VALUE));
        p.put("doubles", List.of(Double.NaN, -0.0, Double.POSITIVE_INFINITY));
        p.put("strings", List.of("a", "😀", ""));
        p.put("bools", List.of(true, false));
        p.put("dates", List.of(LocalDate.of(2000, 2, 29)));
        p.put("times", List.of(OffsetTime.of(LocalTime.NOON, ZoneOffset.UTC)));
        p.put("localTimes", List.of(LocalTime.MIDNIGHT, LocalTime.MAX));
        p.put("dateTimes", List.of(berlinFirst, berlinFirst.withZoneSameInstant(ZoneOffset.ofHours(-5))));
        p.put("localDateTimes", List.of(LocalDateTime.of(2020, 1, 1, 0, 0)));
        p.put("durations", List.of(Values.isoDuration(0, 0, 0, 0), Values.isoDuration(-1, 2, -3, 4)));
        p.put("points2d", List.of(Values.point(4326, 1, 2), Values.point(4326, -1, -2)));
        p.put("points3d", List.of(Values.point(9157, 1, 2, 3)));
        try (Session s = primary.session()) {
            s.run("CREATE (n:EveryType:W {uid: 'every-type'}) SET n += $p", Map.of("p", p)).consume();
        }
    }

    /** Index and constraint changes in between the workload, and one transaction above 1 MB (chunked). */
    private static void schemaChurnAndABigTransaction(Driver primary) throws InterruptedException {
        run(primary, "CREATE INDEX person_name_city FOR (n:Person) ON (n.name, n.v)");
        run(primary, "CREATE INDEX dropped_soon FOR (n:Item) ON (n.a)");
        Thread.sleep(500);
        run(primary, "CREATE INDEX knows_since FOR ()-[r:KNOWS]-() ON (r.since)");
        run(primary, "CREATE TEXT INDEX item_text FOR (n:Item) ON (n.name)");
        run(primary, "CREATE CONSTRAINT tag_code FOR (n:Tag) REQUIRE n.code IS UNIQUE");
        run(primary, "CREATE CONSTRAINT dropped_constraint FOR (n:Person) REQUIRE n.passport IS UNIQUE");
        bigTransaction(primary);
        Thread.sleep(500);
        run(primary, "DROP INDEX dropped_soon");
        run(primary, "DROP CONSTRAINT dropped_constraint");
        try (Session s = primary.session()) {
            s.run("UNWIND range(1, 20) AS i CREATE (:Tag:W {uid: 'tag-' + i, code: i})").consume();
        }
    }

    /** About 2.5 MB of changes in one transaction: 6,000 nodes with a string and a byte array, and a chain. */
    static void bigTransaction(Driver primary) {
        byte[] blob = new byte[200];
        new Random(SEED).nextBytes(blob);
        try (Session s = primary.session()) {
            s.executeWriteWithoutResult(tx -> tx.run("UNWIND range(1, 6000) AS i CREATE (b:Bulk {i: i, pad: $pad, "
                            + "blob: $blob, at: $at}) WITH b, i WHERE i % 100 = 0 "
                            + "MATCH (prev:Bulk {i: i - 1}) CREATE (prev)-[:NEXT {i: i}]->(b)",
                    Map.of("pad", "ü".repeat(100), "blob", blob, "at", ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0,
                            ZoneId.of("Europe/Berlin")))).consume());
        }
    }

    private static void lagIsVisibleOnMetricsAndThroughKafkasConsumerGroupOffsets(TestStack stack, Driver standby,
                                                                                  long caughtUp) throws Exception {
        long watermarkOffset = ((Number) Replication.watermark(standby).orElseThrow().get("offset")).longValue();
        TopicPartition tp = new TopicPartition(stack.topic(), 0);
        String group = io.ha4neo.schemas.topology.TopicNames.applierGroup(stack.topic(), "standby");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String metrics;
        long committed;
        long end;
        do {
            Thread.sleep(500);
            metrics = Replication.metrics(stack.applier());
            try (Admin admin = stack.broker().admin()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                committed = offsets.containsKey(tp) ? offsets.get(tp).offset() : -1;
                end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, TimeUnit.SECONDS)
                        .offset();
            }
        } while ((end - committed != 0 || Replication.gauge(metrics, MetricNames.APPLIER_LAG_TRANSACTIONS) != 0)
                && System.nanoTime() < deadline);
        System.out.printf("e2e lag: watermark offset %d, group committed %d, end offset %d%n", watermarkOffset,
                committed, end);
        assertThat(Replication.gauge(metrics, MetricNames.APPLIER_APPLIED_COMMIT_ID)).isEqualTo((double) caughtUp);
        assertThat(Replication.gauge(metrics, MetricNames.APPLIER_LAG_TRANSACTIONS)).isZero();
        assertThat(Replication.gauge(metrics, MetricNames.APPLIER_LAG_SECONDS)).isZero();
        assertThat(committed).as("offset the applier committed for group %s", group).isGreaterThan(watermarkOffset);
        assertThat(end - committed).as("consumer-group lag seen by Kafka tools when caught up (end %d)", end).isZero();
    }

    /**
     * Every series the shipped Grafana dashboard queries has samples on a real process: the primary's or the
     * standby's plugin endpoint, or the applier's. A metric renamed or dropped in code would leave its panel empty
     * without any other test noticing.
     */
    private static void everyMetricTheDashboardQueriesIsExposedByAPluginOrTheApplier(TestStack stack, int primaryPort,
                                                                                   int standbyPort) throws Exception {
        Path dashboard = stack.layout().projectDir().resolve(DashboardQueries.DASHBOARD);
        SortedSet<String> queried = DashboardQueries.metricNames(dashboard);
        assertThat(queried).as("metrics %s queries", dashboard).contains(MetricNames.APPLIER_LAG_SECONDS,
                MetricNames.APPLIER_LAG_TRANSACTIONS, MetricNames.APPLIER_APPLY_LATENCY_SECONDS + "_bucket",
                MetricNames.CAPTURE_SPOOL_BYTES, MetricNames.CAPTURE_PUBLISHER_UP,
                MetricNames.CAPTURE_SEMI_SYNC_FALLBACK);
        Map<String, URI> endpoints = new LinkedHashMap<>();
        endpoints.put("primary's plugin", Replication.pluginMetrics(primaryPort));
        endpoints.put("standby's plugin", Replication.pluginMetrics(standbyPort));
        endpoints.put("applier", Replication.applierMetrics(stack.applier()));
        List<String> expositions = new ArrayList<>();
        for (URI endpoint : endpoints.values()) {
            expositions.add(Replication.metrics(endpoint));
        }
        List<String> missing = queried.stream()
                .filter(name -> expositions.stream().noneMatch(text -> DashboardQueries.exposes(text, name)))
                .toList();
        assertThat(missing).as("metrics %s queries that none of these endpoints exposes: %s", dashboard, endpoints)
                .isEmpty();
        System.out.printf("e2e dashboard: all %d metrics it queries exposed: %s%n", queried.size(), queried);
    }

    static void run(Driver driver, String cypher) {
        try (Session s = driver.session()) {
            s.run(cypher).consume();
        }
    }
}
