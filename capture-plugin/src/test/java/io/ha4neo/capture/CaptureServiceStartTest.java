package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.capture.config.CaptureConfig;
import io.ha4neo.capture.publish.FakeKafka;
import io.ha4neo.capture.publish.FakeTime;
import io.ha4neo.capture.spool.EventSpool;
import io.ha4neo.capture.spool.SpoolReader;
import io.ha4neo.capture.spool.SpooledEvent;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.event.CaptureBaseline;
import io.ha4neo.schemas.event.EpochStart;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.registry.InTestSchemaRegistry;
import io.ha4neo.schemas.registry.SchemaRegistryClient;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.ha4neo.capture.repair.CommitRepair;
import io.ha4neo.capture.repair.RepairContent;
import io.ha4neo.capture.repair.RepairRefusedException;
import io.ha4neo.capture.status.CaptureStatus;
import io.ha4neo.schemas.event.NodeCreated;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.logging.NullLog;

/**
 * How the chain begins, with the whole capture service running (spool, chain writer, publisher thread) against an
 * in-memory Kafka: the log's baseline on capture's first start on a database, and never again after it: not on a
 * restart, not after a lost spool (the topic has the database), not on a promotion (an epoch start begins the new
 * spool). The store's content is read for the baseline only.
 */
class CaptureServiceStartTest {
    private static final String TOPIC = "ha4neo.dc1.neo4j";
    private static final StoreContent HELD = new StoreContent(2, 1, 0, 1);

    @TempDir
    Path spoolDir;
    private final FakeKafka kafka = new FakeKafka(TOPIC, new FakeTime());
    private final EventCodec codec = EventCodecs.embedded();
    private final AtomicInteger contentReads = new AtomicInteger();
    private volatile long lastCommitted = 7;
    private volatile CommitRepair repair = CommitRepair.NONE;
    private final List<String> repairsAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** {@code ha4neo.schema.registry.*} settings of the next start; none: embedded mode. */
    private final Map<String, String> registrySettings = new java.util.HashMap<>();

    @Test
    void capturesFirstStartOnADatabaseBeginsTheLogWithItsBaseline() throws Exception {
        runOnce(0, new CaptureService.Start.Restart(), 7);

        assertThat(kafka.keys()).as("the log's first record").containsExactly(7L);
        TransactionEvent baseline = spooled().get(0);
        assertThat(baseline.isBaseline()).isTrue();
        assertThat(baseline.commitId()).as("the store's last commit id when capture started").isEqualTo(7);
        assertThat(baseline.previousCommitId()).isZero();
        assertThat(baseline.epoch()).isZero();
        assertThat(baseline.baseline()).isEqualTo(new CaptureBaseline("a", HELD));
        assertThat(contentReads).hasValue(1);
    }

    @Test
    void aRestartAddsNoSecondBaselineAndTheChainGoesOnFromIt() throws Exception {
        runOnce(0, new CaptureService.Start.Restart(), 7);
        lastCommitted = 9; // two commits while capture was not running

        runOnce(0, new CaptureService.Start.Restart(), 9);

        assertThat(kafka.keys()).containsExactly(7L, 9L);
        List<TransactionEvent> log = spooled();
        assertThat(log).extracting(TransactionEvent::isBaseline).containsExactly(true, false);
        assertThat(log.get(1).isGap()).isTrue();
        assertThat(log.get(1).previousCommitId()).as("linked to the baseline").isEqualTo(7);
        assertThat(contentReads).as("the store is counted for the baseline only").hasValue(1);
    }

    @Test
    void aRestartRepairsTheCommitsItMissedWithOneRepairEventLinkedIntoTheChain() throws Exception {
        runOnce(0, new CaptureService.Start.Restart(), 7);
        lastCommitted = 9; // two commits while capture was not running
        NodeCreated image = new NodeCreated("4:db:1", List.of("A"), Map.of());
        repair = (first, last) -> {
            repairsAsked.add(first + ".." + last);
            return new RepairContent(first, last, 1, List.of(), List.of(), List.of(image), List.of());
        };

        CaptureStatus status = runOnce(0, new CaptureService.Start.Restart(), 9);

        assertThat(repairsAsked).containsExactly("8..9");
        assertThat(kafka.keys()).containsExactly(7L, 9L);
        TransactionEvent repaired = spooled().get(1);
        assertThat(repaired.isRepair()).isTrue();
        assertThat(repaired.isGap()).isFalse();
        assertThat(repaired.repair().firstCommitId()).isEqualTo(8);
        assertThat(repaired.repair().lastCommitId()).isEqualTo(9);
        assertThat(repaired.previousCommitId()).as("linked to the baseline").isEqualTo(7);
        assertThat(repaired.bootstrapNodes()).containsExactly(image);
        assertThat(status.repairs()).singleElement().asString().contains("commit ids 8..9");
        assertThat(status.gaps()).isEmpty();
    }

    @Test
    void aRangeThatCannotBeRepairedBecomesAGapNamingWhy() throws Exception {
        runOnce(0, new CaptureService.Start.Restart(), 7);
        lastCommitted = 9;
        repair = (first, last) -> {
            throw new RepairRefusedException("commit ids " + first + ".." + last + " are no longer in Neo4j's "
                    + "transaction log (db.tx_log.rotation.retention_policy=2 files); ha4neo bootstrap", null);
        };

        CaptureStatus status = runOnce(0, new CaptureService.Start.Restart(), 9);

        TransactionEvent gap = spooled().get(1);
        assertThat(gap.isGap()).isTrue();
        assertThat(gap.gap().reason()).contains("not repaired").contains("retention_policy=2 files")
                .contains("bootstrap");
        assertThat(status.repairs()).isEmpty();
        assertThat(status.gaps()).singleElement().asString().contains("8..9");
    }

    @Test
    void aLostSpoolIsRepairedAfterTheTopicsLastRecord() throws Exception {
        kafka.createTopic();
        kafka.seedTransaction(5);
        lastCommitted = 6;
        repair = (first, last) -> {
            repairsAsked.add(first + ".." + last);
            return new RepairContent(first, last, 1, List.of(), List.of(), List.of(), List.of());
        };

        runOnce(0, new CaptureService.Start.Restart(), 6);

        assertThat(repairsAsked).containsExactly("6..6");
        assertThat(spooled()).singleElement().satisfies(e -> {
            assertThat(e.isRepair()).isTrue();
            assertThat(e.previousCommitId()).isEqualTo(5);
        });
    }

    @Test
    void aStartWithALostSpoolResumesAfterTheTopicWithoutABaseline() throws Exception {
        kafka.createTopic();
        kafka.seedTransaction(5); // the database is in the topic: not a first start, whatever the spool says
        lastCommitted = 6;

        runOnce(0, new CaptureService.Start.Restart(), 6);

        assertThat(kafka.keys()).containsExactly(5L, 6L);
        assertThat(spooled()).singleElement().satisfies(e -> {
            assertThat(e.isBaseline()).isFalse();
            assertThat(e.isGap()).isTrue();
            assertThat(e.previousCommitId()).isEqualTo(5);
        });
        assertThat(contentReads).hasValue(0);
    }

    @Test
    void aPromotionBeginsItsEpochWithTheEpochStartAndNoBaseline() throws Exception {
        runOnce(1, new CaptureService.Start.Promotion(42, new EpochStart(0, "a", "switchover")), 7);

        assertThat(kafka.keys()).containsExactly(7L);
        assertThat(spooled()).singleElement().satisfies(e -> {
            assertThat(e.isEpochStart()).isTrue();
            assertThat(e.isBaseline()).isFalse();
        });
        assertThat(contentReads).hasValue(0);
    }

    @Test
    void aRoleFlipOnAnEmptySpoolBeginsTheLogWithABaselineAndOnItsSpoolContinuesTheChain() throws Exception {
        runOnce(0, new CaptureService.Start.RoleFlip(), 7);
        lastCommitted = 8; // applied to it as a standby in between: no gap, and no second baseline

        runOnce(0, new CaptureService.Start.RoleFlip(), 7);

        assertThat(spooled()).singleElement().satisfies(e -> assertThat(e.isBaseline()).isTrue());
        assertThat(contentReads).hasValue(1);
    }

    @Test
    void inRegistryModeEveryRecordFromTheBaselineOnCarriesTheRegistrysIdOfTheSchema() throws Exception {
        try (InTestSchemaRegistry registry = new InTestSchemaRegistry()) {
            registrySettings.put("ha4neo.schema.registry.url", registry.url().toString());
            runOnce(0, new CaptureService.Start.Restart(), 7);

            int id = registry.versions(TOPIC + "-value").get(0);
            assertThat(registry.compatibility(TOPIC + "-value")).isEqualTo("BACKWARD");
            List<byte[]> records = spooledRecords();
            assertThat(records).isNotEmpty().allSatisfy(r -> assertThat(java.nio.ByteBuffer.wrap(r, 1, 4).getInt())
                    .isEqualTo(id));
            EventCodec reader = EventCodecs.registry(SchemaRegistryClient.builder(registry.url()).build(),
                    TOPIC + "-value");
            assertThat(reader.decode(records.get(0)).isBaseline()).isTrue();
        }
    }

    @Test
    void aRegistryThatIsDownWhenCaptureStartsKeepsItFromStartingAndNothingIsSpooled() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        registrySettings.put("ha4neo.schema.registry.url", "http://127.0.0.1:" + port);
        registrySettings.put("ha4neo.schema.registry.timeout.ms", "1000");
        CaptureService capture = new CaptureService(config(), 0, noDbms(), () -> lastCommitted, this::content,
                repair, NullLog.getInstance(), tail -> { }, kafka);

        assertThatThrownBy(() -> capture.start(new CaptureService.Start.Restart()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("http://127.0.0.1:" + port)
                .hasMessageContaining("ha4neo.schema.registry.timeout.ms");
        assertThat(spooledRecords()).isEmpty();
        assertThat(kafka.keys()).isEmpty();
        assertThat(contentReads).hasValue(0);
    }

    /** Starts capture, waits until Kafka has {@code publishedId}, and stops it again. */
    private CaptureStatus runOnce(long epoch, CaptureService.Start how, long publishedId) throws Exception {
        CaptureService capture = new CaptureService(config(), epoch, noDbms(), () -> lastCommitted, this::content,
                repair, NullLog.getInstance(), tail -> { }, kafka);
        assertThat(capture.start(how)).isTrue();
        try {
            assertThat(capture.awaitPublished(publishedId, 60_000)).as("commit id %d published; publisher %s",
                    publishedId, capture.publisherState()).isTrue();
            return capture.status();
        } finally {
            capture.stop();
        }
    }

    private StoreContent content() {
        contentReads.incrementAndGet();
        return HELD;
    }

    /** Every record value in the spool, oldest first. */
    private List<byte[]> spooledRecords() throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (EventSpool spool = EventSpool.open(spoolDir, 1L << 30, EventSpool.SyncPolicy.NONE);
             SpoolReader reader = spool.readerAfter(0)) {
            for (SpooledEvent e : reader.next(1000, 64L << 20, 0)) {
                out.addAll(e.records());
            }
        }
        return out;
    }

    /** Every event in the spool, oldest first. */
    private List<TransactionEvent> spooled() throws Exception {
        List<TransactionEvent> out = new ArrayList<>();
        try (EventSpool spool = EventSpool.open(spoolDir, 1L << 30, EventSpool.SyncPolicy.NONE);
             SpoolReader reader = spool.readerAfter(0)) {
            for (SpooledEvent e : reader.next(1000, 64L << 20, 0)) {
                ChunkAssembler assembler = ChunkAssembler.create(codec);
                for (byte[] record : e.records()) {
                    assembler.accept(codec.decode(record)).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    private CaptureConfig config() {
        Map<String, String> raw = new java.util.HashMap<>(Map.of("ha4neo.role", "primary", "ha4neo.cluster.id", "dc1",
                "ha4neo.member.name", "a", "ha4neo.topic", TOPIC, "ha4neo.spool.dir", spoolDir.toString(),
                "ha4neo.kafka.bootstrap.servers", "in-memory:9092", "ha4neo.startup.kafka.timeout.ms", "5000",
                "ha4neo.epoch.check.interval.ms", "0"));
        raw.putAll(registrySettings);
        return CaptureConfig.parse(raw, "neo4j", spoolDir);
    }

    /** Capture only registers and unregisters its listener with the DBMS. */
    private static DatabaseManagementService noDbms() {
        return (DatabaseManagementService) Proxy.newProxyInstance(CaptureServiceStartTest.class.getClassLoader(),
                new Class<?>[] {DatabaseManagementService.class}, (proxy, method, args) -> null);
    }
}
