package io.ha4neo.applier.loop;

import static io.ha4neo.applier.fixtures.Events.createsNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.apply.ApplyWindow;
import io.ha4neo.applier.apply.ChangeApplier;
import io.ha4neo.applier.apply.CommitChain;
import io.ha4neo.applier.error.ApplierErrors;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.FakeStandbyStore;
import io.ha4neo.applier.observe.ApplierMetrics;
import io.ha4neo.schemas.contract.BootstrapRefusal;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.applier.observe.ApplierState;
import io.ha4neo.applier.observe.ApplierStatus;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.plan.Phase;
import io.ha4neo.applier.standby.SkippedCommit;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.registry.InTestSchemaRegistry;
import io.ha4neo.schemas.registry.SchemaRegistryClient;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.Role;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.exceptions.ClientException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransactionTerminatedException;
import org.neo4j.driver.exceptions.TransientException;

/** The consume loop against Kafka's MockConsumer and an in-memory standby. */
class ApplierLoopTest {
    private static final TopicPartition TP = new TopicPartition(Events.TOPIC, 0);
    private static final Duration ROLE_CHECK_INTERVAL = Duration.ofMillis(20);
    private final FakeStandbyStore store = new FakeStandbyStore();
    private final RecordingConsumer consumer = new RecordingConsumer();
    /** Encodes the records the tests add. */
    private EventCodec codec = EventCodecs.embedded(EventCodecs.MIN_MAX_RECORD_BYTES); // chunks big transactions
    /** Decodes them in the loop; null: {@link #codec}. */
    private EventCodec sourceCodec;
    private final Clock clock = Clock.systemUTC();

    @Test
    void positionsFromTheStandbysWatermarkNotFromKafkasCommittedOffset() throws Exception {
        store.watermark = new Watermark("neo4j", 3, 1, Events.TOPIC, 0, 0, 1_000_003, 0);
        consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a"), createsNode(5, 3, "b"),
                createsNode(6, 5, "c")));
        // Kafka's committed offset claims everything was consumed; only the standby's watermark is the truth.
        consumer.commitSync(Map.of(TP, new OffsetAndMetadata(3)));

        int exit = runUntil(loop(), () -> store.watermark.commitId() == 6);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "write 6@2");
        assertThat(store.batches.get(0).get(0).rows()).extracting(r -> r.get("key")).containsExactly("b", "c");
        assertThat(consumer.lastCommitted.get(TP).offset()).as("offset committed for lag tools").isEqualTo(3);
    }

    @Test
    void followsTheNewPrimaryAfterAnEpochStartAndReportsItsEpochAndNoLag() throws Exception {
        store.watermark = new Watermark("neo4j", 120, 0, Events.TOPIC, 0, 0, 1_000_120, 0);
        consumer.schedulePollTask(() -> assignWithRecords(Events.createsNode(0, 120, 119, "a"),
                Events.epochStart(1, 57, 0, 120), Events.createsNode(1, 60, 57, "x"), Events.createsNode(1, 61, 60, "y")));
        ApplierLoop loop = loop();

        int exit = runUntil(loop, () -> store.watermark.epoch() == 1 && store.watermark.commitId() == 61
                && gauge(MetricNames.APPLIER_APPLIED_EPOCH) == 1 && gauge(MetricNames.APPLIER_LAG_TRANSACTIONS) == 0);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "write 61@3");
        assertThat(createdNodeKeys()).containsExactly("x", "y");
        assertThat(gauge(MetricNames.APPLIER_APPLIED_EPOCH)).isEqualTo(1);
        assertThat(gauge(MetricNames.APPLIER_LAG_TRANSACTIONS)).isZero();
    }

    @Test
    void aWatermarkPreparedForABootstrapRunUnderTheRunningApplierRepositionsFromItInsteadOfStopping() throws Exception {
        store.watermark = new Watermark("neo4j", 3, 1, Events.TOPIC, 0, 0, 1_000_003, 0);
        TransactionEvent[] events = {createsNode(3, 0, "a"), createsNode(5, 3, "b"),
                Events.bootstrap(6, 5, Events.mark("r2", BootstrapPhase.BEGIN, 0, 0)).build(),
                Events.bootstrap(7, 6, Events.mark("r2", BootstrapPhase.END, 0, 0)).build()};
        consumer.schedulePollTask(() -> assignWithRecords(events));
        java.util.concurrent.atomic.AtomicBoolean prepared = new java.util.concurrent.atomic.AtomicBoolean();
        store.failIf = (statements, next) -> {
            if (!prepared.getAndSet(true)) { // ha4neo.bootstrap.prepare(r2, epoch 1, offset 1) just before this write
                store.watermark = new Watermark("neo4j", 0, 1, Events.TOPIC, 0, 1, 0, 0,
                        io.ha4neo.applier.standby.BootstrapStage.awaitingBegin("r2"));
                addRecords(events); // read again from the prepared offset + 1
            }
            return null;
        };

        int exit = runUntil(loop(), () -> store.watermark.commitId() == 7);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "prepared under the applier", "delete 0",
                "drop user schema []", "await 30", "write 6@2", "write 7@3");
        assertThat(store.watermark.bootstrapStage()).isEmpty();
        assertThat(states).doesNotContain(ApplierState.FAILED, ApplierState.RETRYING);
        assertThat(gauge(MetricNames.APPLIER_BOOTSTRAP_ACTIVE)).isZero();
    }

    @Test
    void anIdleApplierNoticesAWatermarkPreparedUnderItAndReadsTheRunFromThePreparedOffset() throws Exception {
        store.watermark = new Watermark("neo4j", 7, 1, Events.TOPIC, 0, 3, 1_000_007, 0);
        TransactionEvent[] events = {createsNode(3, 0, "a"), createsNode(5, 3, "b"),
                Events.bootstrap(6, 5, Events.mark("r2", BootstrapPhase.BEGIN, 0, 0)).build(),
                Events.bootstrap(7, 6, Events.mark("r2", BootstrapPhase.END, 0, 0)).build()};
        consumer.schedulePollTask(() -> assignWithRecords(events)); // all applied: the applier idles at commit 7

        try (Running running = start(loop())) {
            running.await(() -> status.state() == ApplierState.CAUGHT_UP || status.state() == ApplierState.APPLYING);
            addRecords(events); // read again once re-positioned
            store.watermark = new Watermark("neo4j", 0, 1, Events.TOPIC, 0, 1, 0, 0,
                    io.ha4neo.applier.standby.BootstrapStage.awaitingBegin("r2")); // prepare, after the begin
            running.await(() -> store.watermark.commitId() == 7);
        }

        assertThat(store.log).containsExactly("ensure", "delete 0", "drop user schema []", "await 30", "write 6@2",
                "write 7@3");
        assertThat(store.watermark.bootstrapStage()).isEmpty();
    }

    @Test
    void untilACommitIdAppliesUpToItThenHoldsAndConsumesNothingMore() throws Exception {
        window = new ApplyWindow(OptionalLong.of(6), OptionalLong.empty(), OptionalLong.empty(), 0);
        store.watermark = new Watermark("neo4j", 3, 1, Events.TOPIC, 0, 0, 1_000_003, 0);
        consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a"), createsNode(4, 3, "b"),
                createsNode(5, 4, "c"), createsNode(6, 5, "d"), createsNode(7, 6, "e"), createsNode(8, 7, "f")));

        try (Running running = start(loop())) {
            running.await(() -> states.contains(ApplierState.HELD));
            Thread.sleep(100); // more steps while held: still nothing past commit 6
            assertThat(status.reason()).isEqualTo("holding: commit 7 (epoch 1) is past apply.until.commit.id 6");
            assertThat(stateGauge(ApplierState.HELD)).isEqualTo(1);
        }

        assertThat(store.watermark.commitId()).isEqualTo(6);
        assertThat(createdNodeKeys()).containsExactly("b", "c", "d");
        assertThat(states).containsSubsequence(ApplierState.HELD, ApplierState.STOPPED);
    }

    @Test
    void aDelayedStandbyAppliesEachCommitOnlyOnceTheDelayHasPassedSinceItsCommit() throws Exception {
        long delay = 400;
        window = new ApplyWindow(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), delay);
        long committed = clock.millis();
        TransactionEvent first = committedAt(1, committed);
        TransactionEvent second = committedAt(2, committed + 150);
        consumer.replayOnSeek = true; // the loop re-reads from the watermark after each pause
        consumer.schedulePollTask(() -> assignWithRecords(first, second));

        int exit = runUntil(loop(), () -> store.watermark != null && store.watermark.commitId() == 2);

        assertThat(exit).isZero();
        assertThat(store.watermark.commitId()).isEqualTo(2);
        assertThat(store.written).as("each commit written only once its delay had passed").isNotEmpty()
                .allSatisfy(w -> assertThat(w.appliedAtMillis()).isGreaterThanOrEqualTo(w.sourceCommitTimeMillis()
                        + delay));
        assertThat(createdNodeKeys()).containsExactly("n1", "n2");
    }

    @Test
    void commitsThatArriveDuringAWriteGoInTheNextWriteTogetherNotOneWriteApart() throws Exception {
        // The mock consumer hands out the "prefetched" commit 5 at once; a frozen poll clock keeps a GC or JIT pause
        // of this JVM from making that poll look like one that waited on the network (CI failed on that once).
        pollClock = () -> 0L;
        consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a")));
        store.failIf = (statements, next) -> {
            if (next.commitId() == 3) { // while the standby writes commit 3, the consumer's prefetch brings commit 5
                consumer.addRecord(record(1, 5, codec.encode(createsNode(5, 3, "b")).get(0)));
                consumer.updateEndOffsets(Map.of(TP, 2L)); // where that fetch found the end: early in the write
                consumer.schedulePollTask(() -> { }); // the poll after the write hands out the prefetched commit 5
                consumer.schedulePollTask(() -> { // the fetch it sent brings commit 7, committed later in the write
                    consumer.addRecord(record(2, 7, codec.encode(createsNode(7, 5, "c")).get(0)));
                    consumer.updateEndOffsets(Map.of(TP, 3L));
                });
            }
            return null;
        };

        int exit = runUntil(loop(), () -> store.watermark != null && store.watermark.commitId() == 7);

        assertThat(exit).isZero();
        assertThat(store.log).as("5 and 7 in one standby transaction: the prefetched 5 alone is no proof of the end")
                .containsExactly("ensure", "write 3@0", "write 7@2");
    }

    @Test
    void retriesAFailedWriteAfterRepositioningAndAppliesEachTransactionOnce() throws Exception {
        TransactionEvent[] events = {createsNode(3, 0, "a"), createsNode(5, 3, "b")};
        consumer.schedulePollTask(() -> assignWithRecords(events));
        store.failNextWrite = new ServiceUnavailableException("standby restarting");
        // Kafka redelivers from wherever the loop seeks next; MockConsumer forgets returned records, so re-add them.
        store.onFailedWrite = () -> addRecords(events);

        int exit = runUntil(loop(), () -> store.watermark != null && store.watermark.commitId() == 5);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "failed write 5@1", "write 5@1");
        assertThat(store.batches).hasSize(1);
    }

    @Test
    void aCommitWhoseOutcomeWasUnknownButSucceededIsNotAppliedAgainAndIsNoDivergence() throws Exception {
        TransactionEvent[] events = {createsNode(3, 0, "a"), createsNode(5, 3, "b")};
        TransactionEvent[] more = {createsNode(3, 0, "a"), createsNode(5, 3, "b"), createsNode(6, 5, "c")};
        consumer.schedulePollTask(() -> assignWithRecords(events));
        store.failAfterNextWrite = new ServiceUnavailableException("connection lost while committing");
        store.onFailedAfterWrite = () -> addRecords(more); // redelivered from the seek, and one more transaction

        int exit = runUntil(loop(), () -> store.watermark != null && store.watermark.commitId() == 6);

        assertThat(exit).as("no false divergence").isZero();
        assertThat(store.log).containsExactly("ensure", "write 5@1", "write 6@2");
        assertThat(createdNodeKeys()).containsExactly("a", "b", "c");
    }

    @Test
    void backOffGrowsUnderConsecutiveFailuresOfDifferentKindsAndStartsAgainAfterASuccessfulWrite() throws Exception {
        TransactionEvent[] events = {createsNode(1, 0, "a"), createsNode(2, 1, "b")};
        Deque<RuntimeException> beforeCommit2 = new ArrayDeque<>(List.of(
                new ServiceUnavailableException("standby restarting"),
                new TransientException("Neo.TransientError.Transaction.DeadlockDetected", "deadlock"),
                new TransactionTerminatedException("Neo.ClientError.Transaction.Terminated", "terminated"),
                new SessionExpiredException("session expired")));
        Deque<RuntimeException> beforeCommit3 = new ArrayDeque<>(List.of(new ServiceUnavailableException("again")));
        ConsumerRecord<byte[], byte[]> later = record(2, 3, codec.encode(createsNode(3, 2, "c")).get(0));
        consumer.schedulePollTask(() -> assignWithRecords(events));
        AtomicBoolean commit2Written = new AtomicBoolean();
        store.failIf = (statements, next) -> {
            if (next.commitId() == 2 && beforeCommit2.isEmpty()) {
                commit2Written.set(true);
                consumer.addRecord(later); // commit 3 arrives once commit 2 is written
            }
            return (next.commitId() == 2 ? beforeCommit2 : beforeCommit3).poll();
        };
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(1));
        List<Long> delays = new ArrayList<>(); // the delay each failure is about to get
        store.onFailedWrite = () -> {
            delays.add(backoff.upcoming().toMillis());
            addRecords(events);
            if (commit2Written.get()) {
                consumer.addRecord(later);
            }
        };

        int exit = runUntil(loop(OptionalLong.empty(), backoff), () -> store.watermark != null
                && store.watermark.commitId() == 3);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "failed write 2@1", "failed write 2@1", "failed write 2@1",
                "failed write 2@1", "write 2@1", "failed write 3@2", "write 3@2");
        assertThat(delays).as("doubling across kinds, then from the start after the write").containsExactly(1L, 2L,
                4L, 8L, 1L);
    }

    @Test
    void halvesTheBatchOnAMemoryLimitDownToOneTransactionInsteadOfRetryingTheSameBatchForever() throws Exception {
        TransactionEvent[] events = chainOfNodes(8);
        consumer.schedulePollTask(() -> assignWithRecords(events));
        // the standby's transaction memory allows one transaction per write, no more
        store.failIf = (statements, next) -> statements.get(0).rows().size() > 1 ? new TransientException(
                "Neo.TransientError.General.MemoryPoolOutOfMemoryError", "The allocation of 2 MiB would exceed the "
                + "limit of 1 MiB of 'db.memory.transaction.total.max'") : null;
        store.onFailedWrite = () -> addRecords(events);

        int exit = runUntil(loop(), () -> store.watermark != null && store.watermark.commitId() == 8);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "failed write 8@7", "failed write 4@3", "failed write 2@1",
                "write 1@0", "write 2@1", "write 3@2", "write 4@3", "write 5@4", "write 6@5", "write 7@6", "write 8@7");
        assertThat(gauge(MetricNames.APPLIER_BATCH_LIMIT_TRANSACTIONS)).isEqualTo(1);
    }

    @Test
    void retriesATimedOutBatchSmallerAndKeepsTheSmallerLimitUntilItRecovers() throws Exception {
        TransactionEvent[] events = chainOfNodes(8);
        consumer.schedulePollTask(() -> assignWithRecords(events));
        store.failNextWrite = new ClientException("Neo.ClientError.Transaction.TransactionTimedOut", "timed out");
        store.onFailedWrite = () -> addRecords(events);

        int exit = runUntil(loop(), () -> store.watermark != null && store.watermark.commitId() == 8);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "failed write 8@7", "write 4@3", "write 8@7");
        assertThat(gauge(MetricNames.APPLIER_BATCH_LIMIT_TRANSACTIONS)).isEqualTo(4);
        assertThat(gauge(MetricNames.APPLIER_BATCH_LIMIT_CHANGES)).isEqualTo(4);
    }

    // ------------------------------------------------------------------ a standby without a watermark

    @Test
    void refusesAStandbyThatMustBeSeededWithExitCodeOneAndWritesNothingNotEvenTheConstraints() throws Exception {
        consumer.schedulePollTask(() -> assignWithRecords(Events.baseline(7, new StoreContent(3, 1, 0, 0)),
                createsNode(9, 7, "a")));

        int exit = runUntil(loop(), () -> status.state() == ApplierState.FAILED);

        assertThat(exit).isEqualTo(1);
        assertThat(store.log).as("nothing written, not even the constraints").isEmpty();
        assertThat(store.watermark).isNull();
        assertThat(status.reason()).startsWith(BootstrapRefusal.KIND + ": ").contains(BootstrapRefusal.FIX)
                .contains("(epoch 1, commit 7)");
        assertThat(counter(MetricNames.APPLIER_ERRORS_TOTAL, BootstrapRefusal.KIND)).isEqualTo(1);
        assertThat(counter(MetricNames.APPLIER_RETRIES_TOTAL, BootstrapRefusal.KIND)).as("fatal, not retried").isZero();
    }

    @Test
    void followsALogThatBeginsWithTheBaselineOfAnEmptyStoreOntoAnEmptyStandby() throws Exception {
        consumer.schedulePollTask(() -> assignWithRecords(Events.baseline(7, StoreContent.EMPTY),
                createsNode(9, 7, "a")));

        int exit = runUntil(loop(), () -> store.watermark != null && store.watermark.commitId() == 9);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "write 9@1");
        assertThat(createdNodeKeys()).containsExactly("a");
    }

    // ------------------------------------------------------------------ the member's role

    @Test
    void idlesWhileTheMemberIsThePrimaryAndAppliesFromTheWatermarkOnceItIsAStandbyAgain() throws Exception {
        TransactionEvent[] events = {createsNode(3, 0, "a"), createsNode(5, 3, "b")};
        store.role = Role.PRIMARY;
        consumer.schedulePollTask(() -> assignWithRecords(events));

        try (Running running = start(loop())) {
            running.await(() -> status.state() == ApplierState.PAUSED && store.roleChecks >= 5
                    && consumer.assignment().contains(TP));
            assertThat(store.log).as("nothing written, not even the constraints").isEmpty();
            assertThat(consumer.paused()).as("partition paused, consumer still in its group").containsExactly(TP);
            assertThat(status.reason()).isEqualTo("member is primary: this applier idles until the member is a "
                    + "standby again");
            assertThat(stateGauge(ApplierState.PAUSED)).isEqualTo(1);

            store.role = Role.STANDBY;
            running.await(() -> store.watermark != null && store.watermark.commitId() == 5);
        }

        assertThat(store.log).containsExactly("ensure", "write 5@1");
        assertThat(states).containsSubsequence(ApplierState.PAUSED, ApplierState.POSITIONING, ApplierState.APPLYING)
                .doesNotContain(ApplierState.FAILED);
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void pausesWhenTheMemberIsPromotedMidStreamAndResumesFromTheWatermark() throws Exception {
        TransactionEvent[] first = {createsNode(3, 0, "a"), createsNode(5, 3, "b")};
        consumer.schedulePollTask(() -> assignWithRecords(first));
        int[] readsBeforeResume = {-1};

        try (Running running = start(loop())) {
            running.await(() -> store.watermark != null && store.watermark.commitId() == 5);
            store.role = Role.PRIMARY;
            running.await(() -> status.state() == ApplierState.PAUSED);
            consumer.addRecord(record(2, 6, codec.encode(createsNode(6, 5, "c")).get(0)));
            int checks = store.roleChecks;
            int reads = store.watermarkReads;
            running.await(() -> store.roleChecks >= checks + 5);
            assertThat(store.log).as("nothing consumed while paused").containsExactly("ensure", "write 5@1");
            readsBeforeResume[0] = reads;

            store.role = Role.STANDBY;
            running.await(() -> store.watermark.commitId() == 6);
        }

        assertThat(store.log).as("constraints checked again after the pause")
                .containsExactly("ensure", "write 5@1", "ensure", "write 6@2");
        assertThat(store.watermarkReads).as("positioned again after the pause").isEqualTo(readsBeforeResume[0] + 1);
    }

    @Test
    void aWriteTheMembersGuardRefusesBecauseItWasPromotedPausesTheApplierWithoutRetryingOrFailing() throws Exception {
        TransactionEvent[] events = {createsNode(3, 0, "a"), createsNode(5, 3, "b")};
        consumer.schedulePollTask(() -> assignWithRecords(events));
        AtomicBoolean promoted = new AtomicBoolean();
        store.failIf = (statements, next) -> {
            if (promoted.getAndSet(true)) {
                return null;
            }
            store.role = Role.PRIMARY; // promoted between the last role check and this write
            return guardRefusal();
        };
        store.onFailedWrite = () -> addRecords(events);

        try (Running running = start(loop())) {
            running.await(() -> status.state() == ApplierState.PAUSED);
            int checks = store.roleChecks;
            running.await(() -> store.roleChecks >= checks + 5);
            assertThat(store.log).as("one refused write, no retry storm").containsExactly("ensure", "failed write 5@1");
            assertThat(states).doesNotContain(ApplierState.RETRYING, ApplierState.FAILED);
            assertThat(counter(MetricNames.APPLIER_ERRORS_TOTAL, ApplierErrors.MEMBER_NOT_STANDBY)).isEqualTo(1);
            assertThat(counter(MetricNames.APPLIER_RETRIES_TOTAL, ApplierErrors.MEMBER_NOT_STANDBY)).isZero();

            store.role = Role.STANDBY;
            running.await(() -> store.watermark != null && store.watermark.commitId() == 5);
        }

        assertThat(store.log).containsExactly("ensure", "failed write 5@1", "ensure", "write 5@1");
    }

    @Test
    void aWriteRefusedForTheRoleIsRetriedWithBackOffWhileTheMemberStillSaysItIsAStandby() throws Exception {
        TransactionEvent[] events = {createsNode(3, 0, "a"), createsNode(5, 3, "b")};
        consumer.schedulePollTask(() -> assignWithRecords(events));
        Deque<RuntimeException> refusals = new ArrayDeque<>(List.of(guardRefusal(), guardRefusal()));
        store.failIf = (statements, next) -> refusals.poll();
        store.onFailedWrite = () -> addRecords(events);
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(1));
        List<Long> delays = new ArrayList<>();
        Runnable readd = store.onFailedWrite;
        store.onFailedWrite = () -> {
            delays.add(backoff.upcoming().toMillis());
            readd.run();
        };

        int exit = runUntil(loop(OptionalLong.empty(), backoff), () -> store.watermark != null
                && store.watermark.commitId() == 5);

        assertThat(exit).isZero();
        assertThat(store.log).containsExactly("ensure", "failed write 5@1", "failed write 5@1", "write 5@1");
        assertThat(delays).as("growing back-off").containsExactly(1L, 2L);
        assertThat(states).contains(ApplierState.RETRYING).doesNotContain(ApplierState.PAUSED);
    }

    @Test
    void saysWhyAFencedMemberIdlesAndStaysPausedWhenARoleCheckFails() throws Exception {
        store.role = Role.FENCED;
        consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a")));

        try (Running running = start(loop())) {
            running.await(() -> status.state() == ApplierState.PAUSED);
            assertThat(status.reason()).isEqualTo("member is fenced: it holds a divergent tail; run `ha4neo rejoin`");

            store.roleError = new ServiceUnavailableException("standby restarting");
            running.await(() -> status.state() == ApplierState.RETRYING);
            store.roleError = null;
            running.await(() -> status.state() == ApplierState.PAUSED);
        }

        assertThat(store.log).isEmpty();
    }

    @Test
    void theBackOffStartsOverWhenTheMemberComesBackAsAStandbyAfterAnOutage() throws Exception {
        store.role = Role.FENCED;
        consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a")));
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(10));
        Deque<RuntimeException> hiccups = new ArrayDeque<>(List.of(new TransientException(
                "Neo.TransientError.Transaction.DeadlockDetected", "deadlock")));
        store.failIf = (statements, next) -> hiccups.poll();
        List<Long> delays = new ArrayList<>();
        store.onFailedWrite = () -> {
            delays.add(backoff.upcoming().toMillis());
            addRecords(createsNode(3, 0, "a"));
        };

        try (Running running = start(loop(OptionalLong.empty(), backoff))) {
            running.await(() -> status.state() == ApplierState.PAUSED);
            store.roleError = new ServiceUnavailableException("member restarting");
            running.await(() -> backoff.upcoming().toMillis() >= 64); // the outage: six failed role checks
            store.role = Role.STANDBY; // it comes back, rejoined
            store.roleError = null;
            running.await(() -> store.watermark != null && store.watermark.commitId() == 3);
        }

        assertThat(store.log).containsExactly("ensure", "failed write 3@0", "write 3@0");
        assertThat(delays).as("the first hiccup as a standby waits the initial delay, not the outage's").containsExactly(1L);
    }

    @Test
    void aStandbyThatWasUnreachableIsWrittenToAsSoonAsItAnswersNotAfterTheWholeBackOff() throws Exception {
        consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a")));
        Backoff backoff = new Backoff(Duration.ofMinutes(5), Duration.ofMinutes(5)); // far beyond the test's 10 s
        Deque<RuntimeException> outage = new ArrayDeque<>(List.of(new ServiceUnavailableException("member restarting")));
        store.failIf = (statements, next) -> outage.poll();
        store.onFailedWrite = () -> {
            store.roleError = new ServiceUnavailableException("member restarting"); // still down for a few checks
            addRecords(createsNode(3, 0, "a"));
        };

        try (Running running = start(loop(OptionalLong.empty(), backoff))) {
            running.await(() -> status.state() == ApplierState.RETRYING);
            int checks = store.roleChecks;
            running.await(() -> store.roleChecks >= checks + 3); // probed while it is down
            assertThat(store.log).containsExactly("ensure", "failed write 3@0");
            store.roleError = null; // it answers again
            running.await(() -> store.watermark != null && store.watermark.commitId() == 3);
        }

        assertThat(store.log).containsExactly("ensure", "failed write 3@0", "write 3@0");
    }

    @Test
    void otherRetriableErrorsWaitTheirWholeBackOff() throws Exception {
        consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a")));
        Backoff backoff = new Backoff(Duration.ofMinutes(5), Duration.ofMinutes(5));
        store.failIf = (statements, next) -> new TransientException("Neo.TransientError.Transaction.DeadlockDetected",
                "deadlock");

        try (Running running = start(loop(OptionalLong.empty(), backoff))) {
            running.await(() -> status.state() == ApplierState.RETRYING);
            Thread.sleep(200); // ten role check intervals: a deadlock is no reason to cut the wait short
        }

        assertThat(store.log).containsExactly("ensure", "failed write 3@0");
    }

    // ------------------------------------------------------------------ several appliers of one standby

    @Test
    void anApplierWhoseGroupGaveThePartitionToAnotherIsPassiveAndTakesOverFromTheWatermark() throws Exception {
        store.watermark = new Watermark("neo4j", 3, 1, Events.TOPIC, 0, 0, 1_000_003, 0); // the other one applied 3
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of());
            current.rebalanceListener().onPartitionsAssigned(List.of());
        });

        try (Running running = start(loop())) {
            running.await(() -> status.state() == ApplierState.PASSIVE);
            assertThat(status.reason()).contains("gave the partition to another applier of this standby");
            int checks = store.roleChecks;
            running.await(() -> store.roleChecks >= checks + 3); // it keeps polling, and stays passive
            assertThat(status.state()).isEqualTo(ApplierState.PASSIVE);
            assertThat(stateGauge(ApplierState.PASSIVE)).isEqualTo(1);

            consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a"), createsNode(5, 3, "b")));
            running.await(() -> store.watermark.commitId() == 5);
        }

        assertThat(store.log).as("only what the other one had not applied").containsExactly("ensure", "write 5@1");
        assertThat(states).containsSubsequence(ApplierState.PASSIVE, ApplierState.POSITIONING, ApplierState.APPLYING);
    }

    @Test
    void anotherApplierWithThisOnesInstanceIdStopsItNamingTheKeyToSet() throws Exception {
        consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a")));
        consumer.schedulePollTask(() -> consumer.setPollException(new FencedInstanceIdException("The broker rejected "
                + "this static consumer since another consumer with the same group.instance.id has registered with a "
                + "different member.id.")));

        int exit = runUntil(loop(), () -> false);

        assertThat(exit).isEqualTo(1);
        assertThat(status.state()).isEqualTo(ApplierState.FAILED);
        assertThat(status.reason()).startsWith(ApplierErrors.DUPLICATE_INSTANCE + ": another applier joined consumer "
                + "group").contains("must each set kafka.group.instance.id");
    }

    @Test
    void inRegistryModeARegistryOutageIsWaitedOutWithBackOffAndTheRecordsAreReadAgainAndAppliedOnce()
            throws Exception {
        try (InTestSchemaRegistry registry = new InTestSchemaRegistry()) {
            String subject = Events.TOPIC + "-value";
            codec = EventCodecs.registered(SchemaRegistryClient.builder(registry.url()).build(), subject,
                    EventCodecs.DEFAULT_MAX_RECORD_BYTES).codec();
            sourceCodec = EventCodecs.registry(SchemaRegistryClient.builder(registry.url()).build(), subject);
            registry.failWith(503);
            consumer.replayOnSeek = true;
            consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a"), createsNode(5, 3, "b")));
            Thread heal = new Thread(() -> {
                while (!states.contains(ApplierState.RETRYING)) {
                    Thread.onSpinWait();
                }
                registry.failWith(0);
            });
            heal.setDaemon(true);
            heal.start();

            int exit = runUntil(loop(), () -> store.watermark != null && store.watermark.commitId() == 5);

            assertThat(exit).isZero();
            assertThat(counter(MetricNames.APPLIER_RETRIES_TOTAL, ApplierErrors.REGISTRY_UNAVAILABLE)).isPositive();
            assertThat(createdNodeKeys()).as("each once").containsExactly("a", "b");
            assertThat(registry.requests).filteredOn(r -> r.startsWith("GET /schemas/ids/")).hasSizeGreaterThan(1);
        }
    }

    @Test
    void inRegistryModeAnIdTheRegistryDoesNotKnowStopsTheApplierAndNothingIsApplied() throws Exception {
        try (InTestSchemaRegistry registry = new InTestSchemaRegistry(); InTestSchemaRegistry other = new InTestSchemaRegistry()) {
            String subject = Events.TOPIC + "-value";
            other.put("unrelated-value", "\"long\"");
            codec = EventCodecs.registered(SchemaRegistryClient.builder(other.url()).build(), subject,
                    EventCodecs.DEFAULT_MAX_RECORD_BYTES).codec(); // an id the applier's registry does not have
            sourceCodec = EventCodecs.registry(SchemaRegistryClient.builder(registry.url()).build(), subject);
            consumer.schedulePollTask(() -> assignWithRecords(createsNode(3, 0, "a")));

            int exit = runUntil(loop(), () -> states.contains(ApplierState.FAILED));

            assertThat(exit).isEqualTo(1);
            assertThat(counter(MetricNames.APPLIER_ERRORS_TOTAL, "decode")).isEqualTo(1);
            assertThat(counter(MetricNames.APPLIER_RETRIES_TOTAL, ApplierErrors.REGISTRY_UNAVAILABLE)).isZero();
            assertThat(store.batches).isEmpty();
        }
    }

    private static ClientException guardRefusal() {
        return new ClientException("Neo.ClientError.Transaction.TransactionHookFailed", "database 'neo4j' is the "
                + "primary of replication cluster 'dc1': it refuses transactions tagged ha4neo.applier=true, which "
                + "capture would not publish. A sink applier must only write to a standby: stop the applier of this "
                + "member (it was promoted), or remove the tag");
    }

    private double stateGauge(ApplierState state) {
        return metrics.registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals(MetricNames.APPLIER_STATE))
                .flatMap(m -> ((GaugeSnapshot) m).getDataPoints().stream())
                .filter(d -> state.name().equals(d.getLabels().get("state"))).findFirst().orElseThrow().getValue();
    }

    private double counter(String name, String kind) {
        return metrics.registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals(name.replaceAll("_total$", "")))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .filter(d -> kind.equals(d.getLabels().get("kind"))).mapToDouble(d -> d.getValue()).sum();
    }

    /** The loop running on its own thread, stopped (and checked to exit 0) on close. */
    private static final class Running implements AutoCloseable {
        private final ApplierLoop loop;
        private final Thread thread;
        private final int[] exit = {-1};

        Running(ApplierLoop loop) {
            this.loop = loop;
            this.thread = new Thread(() -> exit[0] = loop.run(), "applier-loop");
            thread.start();
        }

        /** Waits until {@code condition} holds, 10 s at most, while the loop runs. */
        void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!condition.getAsBoolean()) {
                assertThat(thread.isAlive()).as("loop still running").isTrue();
                assertThat(System.currentTimeMillis()).as("condition met within 10 s").isLessThan(deadline);
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws InterruptedException {
            loop.requestStop();
            thread.join(10_000);
            assertThat(thread.isAlive()).as("loop stopped").isFalse();
            assertThat(exit[0]).as("exit code").isZero();
        }
    }

    private Running start(ApplierLoop loop) {
        return new Running(loop);
    }

    private static TransactionEvent committedAt(long commitId, long commitTimeMillis) {
        TransactionEvent.Builder b = Events.tx(commitId, commitId - 1).commitTime(commitTimeMillis);
        b.createdNodes.add(Events.node("n" + commitId, List.of("Person"), Map.of()));
        return b.build();
    }

    private static TransactionEvent[] chainOfNodes(int n) {
        TransactionEvent[] events = new TransactionEvent[n];
        for (int i = 0; i < n; i++) {
            events[i] = createsNode(i + 1, i, "n" + (i + 1));
        }
        return events;
    }

    private double gauge(String name) {
        return metrics.registry().scrape().stream().filter(m -> m.getMetadata().getPrometheusName().equals(name))
                .map(m -> ((GaugeSnapshot) m).getDataPoints().get(0).getValue()).findFirst().orElseThrow();
    }

    @Test
    void skipsACommitWhoseFirstChunkIsUndecodableAndPassesOverItsOtherChunks() throws Exception {
        skipsAChunkedCommitWithAnUndecodableChunk(0);
    }

    @Test
    void skipsACommitWhoseMiddleChunkIsUndecodableAndPassesOverItsOtherChunks() throws Exception {
        skipsAChunkedCommitWithAnUndecodableChunk(1);
    }

    @Test
    void skipsACommitWhoseLastChunkIsUndecodable() throws Exception {
        skipsAChunkedCommitWithAnUndecodableChunk(-1);
    }

    /** Commit 3, commit 5 in chunks with chunk {@code bad} (-1: the last) undecodable, commit 6; skip.commit.id=5. */
    private void skipsAChunkedCommitWithAnUndecodableChunk(int bad) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = logWithChunkedCommit5(bad);
        consumer.schedulePollTask(() -> assignWithRecords(records));

        int exit = runUntil(loop(OptionalLong.of(5)), () -> store.watermark != null && store.watermark.commitId() == 6);

        assertThat(exit).isZero();
        assertThat(store.skips).as("one audit record").extracting(SkippedCommit::commitId).containsExactly(5L);
        assertThat(store.skips.get(0).reason()).contains("skip.commit.id=5");
        assertThat(createdNodeKeys()).as("nothing of commit 5 applied").containsExactly("a", "c");
        assertThat(store.watermark.offset()).isEqualTo(records.size() - 1);
    }

    @Test
    void afterASkipAtAnUndecodableFirstChunkARestartPassesOverTheRemainingChunksAsAlreadyApplied() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = logWithChunkedCommit5(0);
        // the skip was committed at the bad chunk (offset 1); the key was then removed and the applier restarted
        store.watermark = new Watermark("neo4j", 5, 1, Events.TOPIC, 0, 1, 0, 0);
        consumer.schedulePollTask(() -> assignWithRecords(records));

        int exit = runUntil(loop(OptionalLong.empty()), () -> store.watermark.commitId() == 6);

        assertThat(exit).isZero();
        assertThat(store.skips).isEmpty();
        assertThat(createdNodeKeys()).containsExactly("c");
    }

    private List<ConsumerRecord<byte[], byte[]>> logWithChunkedCommit5(int bad) {
        List<byte[]> chunks = codec.encode(Events.bigTransaction(5, 3));
        assertThat(chunks).as("chunks").hasSizeGreaterThanOrEqualTo(3);
        int badIndex = bad < 0 ? chunks.size() - 1 : bad;
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(record(0, 3, codec.encode(createsNode(3, 0, "a")).get(0)));
        for (int i = 0; i < chunks.size(); i++) {
            records.add(record(1 + i, 5, i == badIndex ? new byte[] {1, 2, 3} : chunks.get(i)));
        }
        records.add(record(1 + chunks.size(), 6, codec.encode(createsNode(6, 5, "c")).get(0)));
        return records;
    }

    private List<Object> createdNodeKeys() {
        return store.batches.stream().flatMap(List::stream).filter(st -> st.phase() == Phase.NODES_CREATED)
                .flatMap(st -> st.rows().stream()).map(r -> r.get("key")).toList();
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, long commitId, byte[] value) {
        return new ConsumerRecord<>(Events.TOPIC, 0, offset, Long.toString(commitId).getBytes(StandardCharsets.UTF_8), value);
    }

    private void assignWithRecords(List<ConsumerRecord<byte[], byte[]>> records) {
        consumer.rebalance(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, (long) records.size()));
        current.rebalanceListener().onPartitionsAssigned(List.of(TP));
        records.forEach(consumer::addRecord);
    }

    private void assignWithRecords(TransactionEvent... events) {
        consumer.rebalance(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, (long) events.length));
        current.rebalanceListener().onPartitionsAssigned(List.of(TP));
        addRecords(events);
    }

    private void addRecords(TransactionEvent... events) {
        AtomicInteger offset = new AtomicInteger();
        for (TransactionEvent e : events) {
            byte[] key = Long.toString(e.commitId()).getBytes(StandardCharsets.UTF_8);
            consumer.addRecord(new ConsumerRecord<>(Events.TOPIC, 0, offset.getAndIncrement(), key, codec.encode(e).get(0)));
        }
    }

    /** Remembers the offsets the loop commits for lag tools (MockConsumer refuses to answer once closed). */
    private static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        volatile Map<TopicPartition, OffsetAndMetadata> lastCommitted = Map.of();
        /** When set, a seek delivers every record added so far again from the offset sought, as Kafka would. */
        volatile boolean replayOnSeek;
        private final List<ConsumerRecord<byte[], byte[]>> log = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public synchronized void addRecord(ConsumerRecord<byte[], byte[]> record) {
            log.add(record);
            super.addRecord(record);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            super.seek(partition, offset);
            if (replayOnSeek) {
                log.stream().filter(r -> r.offset() >= offset).forEach(super::addRecord);
            }
        }

        RecordingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            lastCommitted = Map.copyOf(offsets);
            super.commitAsync(offsets, callback);
        }
    }

    private ApplierLoop current;
    private ApplyWindow window = ApplyWindow.NONE;

    private ApplierLoop loop() {
        return loop(OptionalLong.empty());
    }

    private ApplierMetrics metrics;
    private ApplierStatus status;
    private final List<ApplierState> states = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Times the loop's polls; a test that needs a poll to count as answered from the prefetch freezes it. */
    private java.util.function.LongSupplier pollClock = System::nanoTime;

    private ApplierLoop loop(OptionalLong skipCommitId) {
        return loop(skipCommitId, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)));
    }

    private ApplierLoop loop(OptionalLong skipCommitId, Backoff backoff) {
        metrics = new ApplierMetrics(clock);
        status = new ApplierStatus(state -> {
            metrics.stateChanged(state);
            states.add(state);
        });
        ChangeApplier applier = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(skipCommitId),
                "neo4j", 30, clock);
        EventCodec decoding = sourceCodec != null ? sourceCodec : codec;
        current = new ApplierLoop(new ApplierLoop.Source(consumer, Events.TOPIC, decoding, ChunkAssembler.create(decoding)),
                new ApplierLoop.Target(applier, store, ROLE_CHECK_INTERVAL, window),
                new ApplierLoop.BatchPolicy(10, 100_000, Duration.ofMillis(5)),
                backoff, new ApplierLoop.Reporting(metrics, status),
                clock, pollClock);
        return current;
    }

    /** Runs the loop on its own thread until {@code done} holds (10 s at most), then stops it; returns its exit code. */
    private int runUntil(ApplierLoop loop, java.util.function.BooleanSupplier done) throws Exception {
        int[] exit = {-1};
        Thread t = new Thread(() -> exit[0] = loop.run(), "applier-loop");
        t.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!done.getAsBoolean() && System.currentTimeMillis() < deadline && t.isAlive()) {
            Thread.sleep(10);
        }
        loop.requestStop();
        t.join(10_000);
        assertThat(t.isAlive()).as("loop stopped").isFalse();
        return exit[0];
    }
}
