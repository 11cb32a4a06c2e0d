package io.ha4neo.capture;

import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.capture.config.CaptureConfig;
import io.ha4neo.capture.config.CaptureConfig.Durability;
import io.ha4neo.capture.mapping.CapturedChanges;
import io.ha4neo.capture.publish.EventPublisher;
import io.ha4neo.capture.publish.KafkaClients;
import io.ha4neo.capture.publish.PublisherTime;
import io.ha4neo.capture.publish.TopicGuard;
import io.ha4neo.capture.spool.EventSpool;
import io.ha4neo.capture.status.CaptureStatus;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.Role;
import io.ha4neo.schemas.topology.TopicSpec;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.logging.InternalLog;

/**
 * Capture of one primary database: listener → {@link CommitSequencer} → {@link EventSpool} →
 * {@link EventPublisher} → Kafka. Owns the publisher thread.
 *
 * <p>Threads: committing threads run the listener and, through the sequencer's sink, encode events and append
 * them to the spool (in commit order, under the sequencer's lock). The publisher thread
 * ({@code ha4neo-publisher-<db>}) reads the spool and talks to Kafka. In semi-sync mode a committing
 * thread additionally waits for the publisher's acknowledgement, up to the configured timeout.
 */
final class CaptureService {
    private final CaptureConfig config;
    private final DatabaseManagementService dbms;
    private final LongSupplier lastCommittedId;
    private final InternalLog log;
    private final EventCodec codec;
    private final AtomicBoolean semiSyncFallback = new AtomicBoolean();
    private EventSpool spool;
    private GapLog gaps;
    private CommitSequencer<Pending> sequencer;
    private EventPublisher publisher;
    private Thread publisherThread;
    private TransactionCapture listener;
    private volatile long chainHead;

    /** A committed transaction waiting for its place in the chain. */
    record Pending(long commitTimeMillis, CapturedChanges changes) {
    }

    CaptureService(CaptureConfig config, DatabaseManagementService dbms, LongSupplier lastCommittedId, InternalLog log) {
        this.config = config;
        this.dbms = dbms;
        this.lastCommittedId = lastCommittedId;
        this.log = log;
        this.codec = EventCodecs.embedded(config.chunkMaxBytes());
    }

    /**
     * Recovers the spool, detects gaps, starts publishing, then starts listening.
     *
     * @param promoted true when this member just became primary: commits it received as a standby were
     *                 written by the applier and are not this store's own history, so they are no gap
     */
    void start(boolean promoted) throws Exception {
        spool = EventSpool.open(config.spoolDir(), config.spoolMaxBytes());
        gaps = new GapLog(config.spoolDir().resolve("gaps.log"));
        long startId = promoted ? baseline() : detectGapSinceLastRun();
        chainHead = spool.lastEventId();
        sequencer = new CommitSequencer<>(startId + 1, config.sequencerMaxPending(),
                config.sequencerStallTimeoutMillis(), System::currentTimeMillis, this::append, this::gap);
        startPublisher();
        listener = new TransactionCapture(this, config.captureApplierWrites());
        dbms.registerTransactionEventListener(config.database(), listener);
        log.info("ha4neo capture started for database '%s': %s; resuming after commit id %d", config.database(),
                config.describe(), startId);
    }

    /**
     * Compares Neo4j's last committed id with the last id the spool accounted for. Ahead means commits happened
     * while capture was not running (process killed between commit and capture): an exact, logged gap.
     */
    private long detectGapSinceLastRun() throws InterruptedException {
        long neo4jLast = lastCommittedId.getAsLong();
        long spoolLast = spool.lastSequencedId();
        boolean firstRun = spoolLast == 0;
        if (!firstRun && neo4jLast < spoolLast) {
            throw new IllegalStateException("database '" + config.database() + "' has last commit id " + neo4jLast
                    + " but the ha4neo spool " + config.spoolDir() + " already accounts for commit id " + spoolLast
                    + ": the store was restored or replaced. Move the spool directory aside and bootstrap the "
                    + "standbys from this store");
        }
        if (!firstRun && neo4jLast > spoolLast) {
            gap(spoolLast + 1, neo4jLast, "committed while capture was not running (the process stopped between "
                    + "commit and capture); some ids may be token or schema transactions");
        }
        spool.mark(neo4jLast);
        return neo4jLast;
    }

    private long baseline() throws InterruptedException {
        long neo4jLast = lastCommittedId.getAsLong();
        spool.mark(neo4jLast);
        return neo4jLast;
    }

    private void startPublisher() {
        TopicGuard guard = new TopicGuard(config.topic(), TopicSpec.forReplicationFactor(config.topicReplicationFactor()),
                config.chunkMaxBytes());
        KafkaClients clients = KafkaClients.fromProperties(config.kafkaProperties(), config.transactionalId(),
                "ha4neo-" + config.database(), config.chunkMaxBytes());
        publisher = new EventPublisher(spool, config.topic(), guard, clients, PublisherTime.SYSTEM,
                config.publishBatchMaxEvents(), config.publishLingerMillis(), this::periodicCheck, log);
        publisherThread = new Thread(publisher, "ha4neo-publisher-" + config.database());
        publisherThread.setDaemon(true);
        publisherThread.start();
    }

    /** Called by the listener on the committing thread, for every commit id. */
    void committed(long commitId, long commitTimeMillis, TransactionCapture.Captured captured) throws InterruptedException {
        if (captured.failure() != null) {
            gap(commitId, commitId, captured.failure());
        }
        Pending pending = captured.changes() == null ? null : new Pending(commitTimeMillis, captured.changes());
        sequencer.offer(commitId, pending);
        if (pending != null && config.durability() == Durability.SEMI_SYNC && !semiSyncFallback.get()) {
            awaitSemiSync(commitId);
        }
    }

    private void awaitSemiSync(long commitId) throws InterruptedException {
        if (!publisher.awaitPublished(commitId, config.semiSyncTimeoutMillis())
                && semiSyncFallback.compareAndSet(false, true)) {
            log.warn("ha4neo semi-sync: Kafka did not acknowledge commit id %d within %d ms; falling back to async "
                    + "(commits no longer wait) until the publisher catches up", commitId, config.semiSyncTimeoutMillis());
        }
    }

    /** Sequencer sink: runs in commit order under the sequencer's lock. Never throws for one bad event. */
    private void append(long commitId, Pending pending) throws InterruptedException {
        if (pending == null) {
            spool.mark(commitId);
            return;
        }
        TransactionEvent event;
        List<byte[]> records;
        try {
            event = pending.changes().toEvent(commitId, chainHead, pending.commitTimeMillis(), config.clusterId(),
                    config.epoch(), config.database());
            records = codec.encode(event);
        } catch (RuntimeException e) {
            gap(commitId, commitId, "cannot encode the transaction: " + e.getMessage());
            spool.mark(commitId);
            return;
        }
        spool.append(commitId, chainHead, records);
        chainHead = commitId;
    }

    private void gap(long first, long last, String reason) {
        GapLog.Gap g = gaps.record(first, last, reason);
        log.error("ha4neo: %s. The standby will stop at this gap; re-bootstrap it (see README, operations)", g);
    }

    void captureFailed(TransactionData data, Throwable t) {
        long id = -1;
        try {
            id = data.getTransactionId();
        } catch (RuntimeException ignored) {
            // id unknown; the error below still names the failure
        }
        log.error("ha4neo: capture of commit id %d failed in afterCommit: %s", id, t);
        if (id > 0) {
            gap(id, id, "capture failed in afterCommit: " + t);
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
    }

    /** Publisher-thread housekeeping: stalled ids, semi-sync recovery. */
    private void periodicCheck() {
        try {
            sequencer.checkStall();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (semiSyncFallback.get() && publisher.state() == PublisherState.PUBLISHING
                && publisher.publishedId() >= spool.lastEventId() && semiSyncFallback.compareAndSet(true, false)) {
            log.info("ha4neo semi-sync restored: Kafka has every event up to commit id %d; commits wait for "
                    + "acknowledgement again", publisher.publishedId());
        }
    }

    /**
     * A read-your-writes token: the commit id of the last event that covers every transaction committed before
     * this call. Waits (briefly) until commits already made are in order, so a caller's own earlier commit is
     * included even when its afterCommit raced with others.
     */
    long bookmark(long timeoutMillis) throws InterruptedException {
        long target = lastCommittedId.getAsLong();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (sequencer.nextExpected() <= target) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("commits up to id " + target + " were not put in order within "
                        + timeoutMillis + " ms (next expected " + sequencer.nextExpected() + "); try again");
            }
            Thread.sleep(1);
        }
        return chainHead;
    }

    CaptureStatus status() {
        return CaptureStatus.builder()
                .role(Role.PRIMARY.name().toLowerCase(Locale.ROOT))
                .database(config.database())
                .clusterId(config.clusterId())
                .epoch(config.epoch())
                .durability(config.durability().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .topic(config.topic())
                .publisherState(publisher.state().name())
                .lastCommittedId(lastCommittedId.getAsLong())
                .lastCapturedId(sequencer.nextExpected() - 1)
                .lastSpooledId(spool.lastEventId())
                .lastPublishedId(publisher.publishedId())
                .spoolBytes(spool.unpublishedBytes())
                .spoolBlockedMillis(spool.blockedMillis())
                .semiSyncFallback(semiSyncFallback.get())
                .gaps(gaps.gaps().stream().map(Object::toString).toList())
                .lastError(publisher.lastError())
                .build();
    }

    /** Stops listening, gives the publisher a bounded time to drain, then stops it. */
    void stop() throws InterruptedException {
        if (listener != null) {
            dbms.unregisterTransactionEventListener(config.database(), listener);
        }
        long deadline = System.currentTimeMillis() + config.shutdownTimeoutMillis();
        while (publisher.publishedId() < spool.lastEventId() && System.currentTimeMillis() < deadline
                && publisher.state() == PublisherState.PUBLISHING) {
            Thread.sleep(20);
        }
        publisher.stop();
        publisherThread.interrupt();
        publisherThread.join(5_000);
        spool.close();
        log.info("ha4neo capture stopped for database '%s': published up to commit id %d, %d bytes remain in the "
                + "spool for the next start", config.database(), publisher.publishedId(), spool.unpublishedBytes());
    }
}
