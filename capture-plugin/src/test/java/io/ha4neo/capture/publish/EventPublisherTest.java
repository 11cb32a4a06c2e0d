package io.ha4neo.capture.publish;

import static io.ha4neo.schemas.contract.PublisherState.DIVERGED;
import static io.ha4neo.schemas.contract.PublisherState.FENCED;
import static io.ha4neo.schemas.contract.PublisherState.KAFKA_UNAVAILABLE;
import static io.ha4neo.schemas.contract.PublisherState.MISCONFIGURED;
import static io.ha4neo.schemas.contract.PublisherState.PUBLISHING;
import static io.ha4neo.schemas.contract.PublisherState.STOPPED;
import static io.ha4neo.schemas.contract.PublisherState.SUPERSEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ha4neo.capture.publish.FakeKafka.Entry;
import io.ha4neo.capture.spool.EventSpool;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.topology.TopicSpec;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher through its seams: Kafka's MockProducer, MockConsumer and MockAdminClient behind
 * {@link KafkaClients} ({@link FakeKafka}), a {@link FakeTime} that never waits, and a real spool. Most tests
 * drive the loop one iteration at a time ({@link EventPublisher#runOnce}) on the test thread.
 */
class EventPublisherTest {
    private static final String TOPIC = "ha4neo.test.neo4j";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();
    private final FakeKafka kafka = new FakeKafka(TOPIC, time);
    private final RecordingLog log = new RecordingLog();
    private volatile RuntimeException housekeepingFailure;
    private EventSpool spool;
    private EventPublisher publisher;

    @BeforeEach
    void openSpool() {
        spool = EventSpool.open(dir.resolve("spool"), 8L << 20);
        publisher = publisher(1000, 0);
    }

    @AfterEach
    void closeSpool() {
        spool.close();
    }

    // ---- publishing ----

    @Test
    void publishesSpooledEventsInOneKafkaTransactionKeyedByCommitIdOnPartitionZero() throws Exception {
        publisher = publisher(1000, 5);
        spoolEvent(1, 0, 2);
        spoolEvent(2, 1, 1);
        spoolEvent(3, 2, 1);

        publisher.runOnce();

        assertState(PUBLISHING);
        assertThat(kafka.publishedTransactions()).containsExactly(List.of(1L, 1L, 2L, 3L));
        assertThat(kafka.entries()).extracting(Entry::topic, Entry::partition, Entry::key, Entry::value).containsExactly(
                tuple(TOPIC, 0, 1L, "event-1-0"), tuple(TOPIC, 0, 1L, "event-1-1"),
                tuple(TOPIC, 0, 2L, "event-2-0"), tuple(TOPIC, 0, 3L, "event-3-0"));
        assertThat(time.sleeps()).as("lingers once for the partial batch").containsExactly(5L);
        assertThat(kafka.mockAdmin().listTopics().names().get()).containsExactly(TOPIC);
    }

    @Test
    void marksPublishedEventsPublishedInTheSpoolAndForSemiSyncWaiters() throws Exception {
        spoolChain(0, 1, 2, 3);

        publisher.runOnce();

        assertThat(publisher.publishedId()).isEqualTo(3);
        assertThat(publisher.awaitPublished(3, 0)).isTrue();
        assertThat(spool.unpublishedBytes()).isZero();
    }

    @Test
    void aBatchHoldsAtMostPublishBatchMaxEvents() {
        publisher = publisher(2, 0);
        spoolChain(0, 1, 2, 3, 4, 5);

        for (int i = 0; i < 3; i++) {
            publisher.runOnce();
        }

        assertThat(kafka.publishedTransactions()).containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L));
    }

    // ---- resuming after the topic's tail ----

    @Test
    void resumesAfterTheTopicsLastRecordWithoutPublishingItsEventsAgain() {
        kafka.seedTransaction(1, 2);
        kafka.seedTransaction(3);
        spoolChain(0, 1, 2, 3, 4, 5);

        publisher.runOnce();

        assertThat(kafka.keys()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(kafka.publishedTransactions()).containsExactly(List.of(4L, 5L));
        assertThat(publisher.publishedId()).isEqualTo(5);
        assertThat(log.at("INFO")).anyMatch(l -> l.contains("after (epoch 0, commit 3)"));
    }

    @Test
    void findsTheTopicsLastRecordBehindALongAbortedTransaction() {
        kafka.seedTransaction(1, 2);
        kafka.seedAbortedTransaction(200);
        spoolChain(0, 1, 2, 3);

        publisher.runOnce();

        assertThat(kafka.keys()).containsExactly(1L, 2L, 3L);
        assertThat(kafka.publishedTransactions()).containsExactly(List.of(3L));
    }

    // ---- fenced ----

    @Test
    void aFencedProducerReconnectsAndTheLogDecides() {
        spoolChain(0, 1);
        publisher.runOnce();
        kafka.fenceProducers();
        spoolEvent(2, 1, 1);

        publisher.runOnce();

        assertState(KAFKA_UNAVAILABLE);
        assertThat(publisher.lastError()).contains("ProducerFencedException");
        assertThat(kafka.producer(0).closed()).isTrue();
        assertThat(log.at("WARN")).anyMatch(l -> l.contains("fenced by another producer of the same transactional id"));

        publisher.runOnce(); // reconnects: the log still ends in this publisher's epoch, so it goes on

        assertState(PUBLISHING);
        assertThat(kafka.producersCreated()).isEqualTo(2);
        assertThat(kafka.keys()).containsExactly(1L, 2L);
    }

    @Test
    void beingFencedAgainAndAgainWithoutANewerEpochIsFinal() {
        publishOneThenBeFencedUntilFinal();

        assertState(FENCED);
        assertThat(log.at("WARN")).anyMatch(l -> l.contains("fenced by another producer"));
        assertThat(kafka.producersCreated()).as("the first, then a reconnection per fencing until final").isEqualTo(6);
        assertThat(log.at("ERROR")).anyMatch(l -> l.contains("-> FENCED"));
        int producers = kafka.producersCreated();
        spoolEvent(3, 2, 1);
        for (int i = 0; i < 3; i++) {
            publisher.runOnce();
        }

        assertState(FENCED);
        assertThat(kafka.producersCreated()).as("never reconnects once final").isEqualTo(producers);
        assertThat(kafka.keys()).containsExactly(1L);
        assertThat(publisher.publishedId()).isEqualTo(1);
        assertThat(spool.unpublishedBytes()).isPositive();
    }

    // ---- epochs ----

    @Test
    void everyRecordCarriesThePublishersEpochHeader() {
        publisher = epochPublisher(4, 0);
        kafka.seedTransactionInEpoch(4, 1);
        spoolChain(1, 2, 3);

        publisher.runOnce();

        assertThat(kafka.entries()).extracting(Entry::key, Entry::epoch).containsExactly(tuple(1L, 4L), tuple(2L, 4L),
                tuple(3L, 4L));
    }

    @Test
    void aNewerEpochFoundWhenReconnectingAfterBeingFencedSupersedesThePublisher() {
        publisher = epochPublisher(0, 0);
        spoolChain(0, 1);
        publisher.runOnce();
        kafka.seedTransactionInEpoch(1, 7); // the promoted member's epoch start (its own commit id 7)
        kafka.fenceProducers();
        spoolEvent(2, 1, 1);

        publisher.runOnce();
        publisher.runOnce();

        assertState(SUPERSEDED);
        assertThat(supersededBy).extracting(TopicTailReader.Tail::position).containsExactly(
                new io.ha4neo.schemas.event.ChainPosition(1, 7));
        assertThat(kafka.keys()).as("commit 2 never lands after the epoch start").containsExactly(1L, 7L);
        assertThat(log.at("WARN")).anyMatch(l -> l.contains("-> SUPERSEDED") && l.contains("epoch 0"));
        publisher.runOnce();
        assertThat(supersededBy).as("told once").hasSize(1);
    }

    @Test
    void anIdlePublisherLooksForANewerEpochAtItsInterval() throws Exception {
        publisher = epochPublisher(0, 1000);
        spoolChain(0, 1);
        publisher.runOnce();
        kafka.seedTransactionInEpoch(1, 9);

        for (int i = 0; i < 20 && publisher.state() == PUBLISHING; i++) {
            time.sleep(100);
            publisher.runOnce();
        }

        assertState(SUPERSEDED);
        assertThat(supersededBy).hasSize(1);
    }

    @Test
    void aPromotedPublisherLinksItsEpochStartToTheLogsLastRecordOfTheEpochBefore() {
        publisher = epochPublisher(1, 0);
        kafka.seedTransactionInEpoch(0, 4, 5);
        spoolEvent(3, 5, 1); // the epoch start: this store's commit 3 follows (epoch 0, commit 5)
        spoolEvent(4, 3, 1);

        publisher.runOnce();

        assertState(PUBLISHING);
        assertThat(kafka.entries()).extracting(Entry::key, Entry::epoch).containsExactly(tuple(4L, 0L), tuple(5L, 0L),
                tuple(3L, 1L), tuple(4L, 1L));
        assertThat(publisher.publishedId()).isEqualTo(4);
    }

    @Test
    void aPromotionWhoseHandoverPointIsNoLongerTheLogsEndDiverges() {
        publisher = epochPublisher(1, 0);
        kafka.seedTransactionInEpoch(0, 4, 5, 6); // the old primary published commit 6 after the handover point 5
        spoolEvent(3, 5, 1);

        publisher.runOnce();

        assertState(DIVERGED);
        assertThat(publisher.lastError()).contains("ends at (epoch 0, commit 6)").contains("moved on");
        assertThat(kafka.keys()).containsExactly(4L, 5L, 6L);
    }

    @Test
    void aHousekeepingErrorWhileFencedKeepsThePublisherFenced() {
        publishOneThenBeFencedUntilFinal();
        int producers = kafka.producersCreated();
        housekeepingFailure = new UncheckedIOException("cannot append to the gap log", new java.io.IOException("disk full"));
        int sleepsBefore = time.sleeps().size();

        publisher.runOnce();
        publisher.runOnce();

        assertState(FENCED);
        assertThat(kafka.producersCreated()).isEqualTo(producers);
        assertThat(publisher.lastError()).contains("gap log");
        assertThat(time.sleepsSince(sleepsBefore)).containsExactly(1000L, 1000L);
        assertThat(log.at("ERROR")).anyMatch(l -> l.contains("FENCED: housekeeping failed") && l.contains("stays stopped"));
    }

    // ---- diverged and gaps ----

    @Test
    void aTopicWhoseTailIsAheadOfTheNextEventsPredecessorDivergesAndStopsPublishing() {
        kafka.seedTransaction(10);
        kafka.seedTransaction(20);
        spoolEvent(5, 0, 1);
        spoolEvent(25, 5, 1);

        publisher.runOnce();

        assertState(DIVERGED);
        assertThat(publisher.lastError()).contains("ends at commit id 20").contains("another primary");
        assertThat(kafka.publishedTransactions()).isEmpty();

        publisher.runOnce();
        publisher.runOnce();

        assertState(DIVERGED);
        assertThat(kafka.producersCreated()).isEqualTo(1);
        assertThat(kafka.keys()).containsExactly(10L, 20L);
    }

    @Test
    void aTopicWhoseTailIsBehindTheNextEventsPredecessorIsAGapThatIsLoggedAndPublishedAcross() {
        kafka.seedTransaction(3);
        spoolEvent(5, 4, 1);

        publisher.runOnce();

        assertState(PUBLISHING);
        assertThat(kafka.keys()).containsExactly(3L, 5L);
        assertThat(log.at("ERROR")).anyMatch(l -> l.contains("commits (3, 4] were never published"));
    }

    // ---- Kafka unavailable ----

    @Test
    void aCommitThatTimesOutAfterCommittingIsNotPublishedAgainAfterReconnecting() {
        spoolChain(0, 1, 2, 3);
        kafka.failNextCommit(new TimeoutException("Timeout expired after 10000 ms while awaiting EndTxn(COMMIT)"), true);

        publisher.runOnce();

        assertState(KAFKA_UNAVAILABLE);
        assertThat(publisher.lastError()).contains("TimeoutException");
        assertThat(publisher.publishedId()).isZero();
        assertThat(kafka.producer(0).closed()).isTrue();
        assertThat(time.sleeps()).containsExactly(100L);

        spoolChain(3, 4);
        publisher.runOnce();

        assertState(PUBLISHING);
        assertThat(kafka.keys()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(kafka.publishedTransactions()).containsExactly(List.of(1L, 2L, 3L), List.of(4L));
        assertThat(publisher.publishedId()).isEqualTo(4);
        assertThat(log.at("INFO")).anyMatch(l -> l.contains("KAFKA_UNAVAILABLE -> PUBLISHING"));
    }

    @Test
    void aCommitThatFailedBeforeReachingKafkaIsPublishedOnceAfterReconnecting() {
        spoolChain(0, 1, 2, 3);
        kafka.failNextCommit(new TimeoutException("Timeout expired after 10000 ms while awaiting EndTxn(COMMIT)"), false);

        publisher.runOnce();
        publisher.runOnce();

        assertState(PUBLISHING);
        assertThat(kafka.keys()).containsExactly(1L, 2L, 3L);
        assertThat(kafka.producersCreated()).isEqualTo(2);
    }

    @Test
    void retriesAnUnavailableKafkaWithDoublingBackOffUpToFiveSecondsAndResetsItOnceConnected() {
        kafka.unavailable(true);
        spoolChain(0, 1);

        for (int i = 0; i < 9; i++) {
            publisher.runOnce();
        }

        assertState(KAFKA_UNAVAILABLE);
        assertThat(time.sleeps()).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
        assertThat(log.at("WARN")).anyMatch(l -> l.contains("will retry in 100 ms"));
        assertThat(kafka.producer(8).closed()).isTrue();

        kafka.unavailable(false);
        publisher.runOnce();
        assertState(PUBLISHING);
        assertThat(kafka.keys()).containsExactly(1L);

        kafka.failNextCommit(new TimeoutException("broker went away"), false);
        spoolChain(1, 2);
        publisher.runOnce();
        assertThat(time.sleepsSince(9)).containsExactly(100L);
    }

    @Test
    void aTopicWithTwoPartitionsIsMisconfiguredAndRetriedEveryThirtySeconds() {
        Node broker = FakeKafka.BROKER;
        kafka.mockAdmin().addTopic(false, TOPIC, List.of(new TopicPartitionInfo(0, broker, List.of(broker), List.of(broker)),
                new TopicPartitionInfo(1, broker, List.of(broker), List.of(broker))), Map.of());
        spoolChain(0, 1);

        publisher.runOnce();

        assertState(MISCONFIGURED);
        assertThat(publisher.lastError()).contains("has 2 partitions");
        assertThat(time.sleeps()).containsExactly(30_000L);
        assertThat(kafka.publishedTransactions()).isEmpty();
    }

    // ---- a transaction left open on the partition ----

    @Test
    void abortsATransactionStillOpenFiveSecondsAfterInitTransactionsAndThenPublishes() {
        kafka.openTransaction(4711, 3, 7, Long.MAX_VALUE, 1, 2);
        spoolChain(0, 1, 2);
        long start = time.millis();

        publisher.runOnce();

        assertThat(kafka.aborts()).containsExactly(new AbortTransactionSpec(TP, 4711, (short) 3, 7));
        assertThat(kafka.abortTimes().get(0) - start).isBetween(5_001L, 5_200L);
        assertState(PUBLISHING);
        assertThat(kafka.keys()).as("the aborted events, published again from the spool").containsExactly(1L, 2L);
        assertThat(kafka.publishedTransactions()).containsExactly(List.of(1L, 2L));
        assertThat(log.at("WARN")).anyMatch(l -> l.contains("hanging Kafka transaction") && l.contains("producer id 4711"));
    }

    @Test
    void waitsForAnEarlierTransactionToCompleteBeforeReadingTheTailSoItsEventsAreNotPublishedTwice() {
        kafka.openTransaction(4711, 3, 7, time.millis() + 1_500, 1, 2);
        spoolChain(0, 1, 2, 3);

        publisher.runOnce();

        assertThat(kafka.aborts()).isEmpty();
        assertThat(kafka.entries()).extracting(Entry::key, Entry::value)
                .containsExactly(tuple(1L, "late-1"), tuple(2L, "late-2"), tuple(3L, "event-3-0"));
        assertThat(kafka.publishedTransactions()).containsExactly(List.of(3L));
    }

    @Test
    void aTransactionThatStaysOpenAfterTheAbortMakesKafkaUnavailableAfterThirtySeconds() {
        kafka.openTransaction(4711, 3, 7, Long.MAX_VALUE, 1);
        kafka.abortsHaveNoEffect();
        spoolChain(0, 1);

        publisher.runOnce();

        assertState(KAFKA_UNAVAILABLE);
        assertThat(publisher.lastError()).contains("still open after 30 s");
        assertThat(kafka.aborts()).hasSize(1);
        assertThat(kafka.publishedTransactions()).isEmpty();
    }

    // ---- the thread ----

    @Test
    void stopEndsThePublisherThreadClosesTheProducerAndReportsStopped() {
        spoolChain(0, 1);
        Thread thread = new Thread(publisher, "ha4neo-publisher-under-test");

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            thread.start();
            assertThat(publisher.awaitPublished(1, 10_000)).isTrue();
            publisher.stop();
            thread.join(10_000);
        });

        assertThat(thread.isAlive()).isFalse();
        assertState(STOPPED);
        assertThat(kafka.producer(0).closed()).isTrue();
        assertThat(log.at("INFO")).anyMatch(l -> l.contains("PUBLISHING -> STOPPED"));
    }

    @Test
    void awaitPublishedGivesUpAfterItsTimeoutWhenKafkaHasNotAcknowledged() throws Exception {
        EventPublisher unstarted = new EventPublisher(spool, TOPIC, guard(), kafka, PublisherTime.SYSTEM, 1000, 0,
                () -> { }, log.log());
        long start = System.nanoTime();

        assertThat(unstarted.awaitPublished(1, 50)).isFalse();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
    }

    // ---- fixtures ----

    /** Asserts the publisher's state; a failure shows its last error and log. */
    private void assertState(PublisherState expected) {
        assertThat(publisher.state()).as("last error: %s, log: %s", publisher.lastError(), log.lines()).isEqualTo(expected);
    }

    private EventPublisher publisher(int batchMaxEvents, long lingerMillis) {
        return new EventPublisher(spool, TOPIC, guard(), kafka, time, batchMaxEvents, lingerMillis,
                this::housekeeping, log.log());
    }

    private final List<TopicTailReader.Tail> supersededBy = new ArrayList<>();

    /** Publishes commit 1, spools commit 2, then every producer is fenced: reconnections go on until fencing is final. */
    private void publishOneThenBeFencedUntilFinal() {
        spoolChain(0, 1);
        publisher.runOnce();
        spoolEvent(2, 1, 1);
        kafka.fenceProducers();
        kafka.alwaysFenced(true);
        for (int i = 0; i < 8 && publisher.state() != FENCED; i++) {
            publisher.runOnce();
        }
    }

    private EventPublisher epochPublisher(long epoch, long epochCheckIntervalMillis) {
        return new EventPublisher(spool, TOPIC, guard(), kafka, time, 1000, 0, this::housekeeping, log.log(), epoch,
                epochCheckIntervalMillis, supersededBy::add);
    }

    private static TopicGuard guard() {
        return new TopicGuard(TOPIC, TopicSpec.forReplicationFactor((short) 1), 16_384);
    }

    private void housekeeping() {
        RuntimeException failure = housekeepingFailure;
        if (failure != null) {
            throw failure;
        }
    }

    /** Spools events with the given commit ids, each chained to the one before, the first to {@code previous}. */
    private void spoolChain(long previous, long... commitIds) {
        for (long id : commitIds) {
            spoolEvent(id, previous, 1);
            previous = id;
        }
    }

    /** Spools one event of {@code chunks} records {@code event-<id>-<chunk>}. */
    private void spoolEvent(long commitId, long previousCommitId, int chunks) {
        List<byte[]> records = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            records.add(("event-" + commitId + "-" + c).getBytes(StandardCharsets.UTF_8));
        }
        try {
            spool.append(commitId, previousCommitId, records);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
