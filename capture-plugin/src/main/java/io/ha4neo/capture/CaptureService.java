package io.ha4neo.capture;

import io.ha4neo.capture.publish.CaptureCodecs;
import io.ha4neo.capture.publish.TopicTailReader;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.capture.config.CaptureConfig;
import io.ha4neo.capture.config.CaptureConfig.Durability;
import io.ha4neo.capture.publish.EventPublisher;
import io.ha4neo.capture.publish.KafkaClients;
import io.ha4neo.capture.publish.PublisherTime;
import io.ha4neo.capture.publish.TopicGuard;
import io.ha4neo.capture.spool.EventSpool;
import io.ha4neo.capture.status.CaptureStatus;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.event.CaptureBaseline;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.topology.Role;
import io.ha4neo.schemas.topology.TopicSpec;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
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
    /** How capture starts. */
    sealed interface Start {
        /**
         * The member was primary before this start, or this is capture's first start on the database (nothing of it
         * in the spool or the topic), and the log begins with its baseline.
         */
        record Restart() implements Start {
        }

        /**
         * {@code ha4neo.setRole('primary')}, the low-level role flip: the store's own chain continues in the same
         * epoch; commits it received as a standby were written by the applier and are no gap. With an empty spool it
         * is capture's first start on the database: the log begins with its baseline.
         */
        record RoleFlip() implements Start {
        }

        /** A promotion: a new epoch whose start links to {@code previousCommitId} of {@code link.previousEpoch()}. */
        record Promotion(long previousCommitId, io.ha4neo.schemas.event.EpochStart link) implements Start {
        }
    }

    /** What the spool had accounted for when capture stopped, against Neo4j's last commit id then. */
    record Stopped(long lastSequencedId, long lastCommittedId, long chainHead) {
    }

    /** The chain head once Kafka has it: the handover point of a switchover. */
    record PublishedHead(io.ha4neo.schemas.event.ChainPosition position, long offset) {
    }

    private final CaptureConfig config;
    private final long epoch;
    private final java.util.function.Consumer<TopicTailReader.Tail> onSuperseded;
    private final DatabaseManagementService dbms;
    private final LongSupplier lastCommittedId;
    private final Supplier<StoreContent> storeContent;
    private final io.ha4neo.capture.repair.CommitRepair repair;
    /** The ranges repaired from Neo4j's transaction log since start-up, for status and the metric. */
    private final java.util.List<String> repairs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final KafkaClients kafka;
    private final InternalLog log;
    /** Set at {@link #start}: in registry mode its schema id is resolved then, so encoding needs no network. */
    private EventCodec codec;
    /** Semi-sync missed its timeout: async until Kafka catches up, or (failing closed) client writes refused. */
    private final AtomicBoolean semiSyncFallback = new AtomicBoolean();
    private volatile boolean stopping;
    /** Publisher thread only: the spool's last event when the restore probe started, and when; -1 when idle. */
    private long restoreProbeId = -1;
    private long restoreProbeSince;
    private EventSpool spool;
    private GapLog gaps;
    private ChainWriter chain;
    private CommitSequencer<ChainWriter.Pending> sequencer;
    private EventPublisher publisher;
    private Thread publisherThread;
    private TransactionCapture listener;

    /**
     * @param lastCommittedId Neo4j's last committed transaction id of the database
     * @param storeContent    what the store holds of user data now; read only at capture's first start on the database
     *                        (the log's baseline)
     * @param repair          rebuilds commits capture missed (Neo4j's transaction log); used only at start-up
     */
    CaptureService(CaptureConfig config, long epoch, DatabaseManagementService dbms, LongSupplier lastCommittedId,
                   Supplier<StoreContent> storeContent, io.ha4neo.capture.repair.CommitRepair repair, InternalLog log,
                   java.util.function.Consumer<TopicTailReader.Tail> onSuperseded) {
        this(config, epoch, dbms, lastCommittedId, storeContent, repair, log, onSuperseded,
                KafkaClients.fromProperties(config.kafkaProperties(), config.transactionalId(),
                        "ha4neo-" + config.database(), config.chunkMaxBytes()));
    }

    /** With the Kafka clients given: the seam unit tests replace. */
    CaptureService(CaptureConfig config, long epoch, DatabaseManagementService dbms, LongSupplier lastCommittedId,
                   Supplier<StoreContent> storeContent, io.ha4neo.capture.repair.CommitRepair repair, InternalLog log,
                   java.util.function.Consumer<TopicTailReader.Tail> onSuperseded, KafkaClients kafka) {
        this.config = config;
        this.epoch = epoch;
        this.onSuperseded = onSuperseded;
        this.dbms = dbms;
        this.lastCommittedId = lastCommittedId;
        this.storeContent = storeContent;
        this.repair = repair;
        this.log = log;
        this.kafka = kafka;
    }

    /**
     * Recovers the spool, detects gaps, starts publishing, then starts listening.
     *
     * @return false when, on a restart, the log already holds a newer epoch: another member was promoted while this
     *         one was down, so nothing is started (the member rejoins instead)
     */
    boolean start(Start how) throws Exception {
        codec = CaptureCodecs.forPublishing(config, log, System::currentTimeMillis); // registry mode: registers now
        if (how instanceof Start.Promotion) {
            archiveSpool();
        }
        spool = EventSpool.open(config.spoolDir(), config.spoolMaxBytes(), config.spoolSync());
        gaps = new GapLog(config.spoolDir().resolve("gaps.log"));
        chain = new ChainWriter(spool, codec, gaps,
                new ChainWriter.Origin(config.clusterId(), epoch, config.database()), log);
        long startId;
        if (how instanceof Start.Promotion p) {
            startId = lastCommittedId.getAsLong();
            chain.appendEpochStart(startId, p.previousCommitId(), p.link());
        } else if (how instanceof Start.RoleFlip) {
            startId = spool.lastSequencedId() == 0 ? startTheLog() : resumeAfterLastCommit();
        } else {
            OptionalLong resumed = detectGapSinceLastRun();
            if (resumed.isEmpty()) {
                spool.close();
                return false;
            }
            startId = resumed.getAsLong();
        }
        sequencer = new CommitSequencer<>(startId + 1, config.sequencerMaxPending(),
                config.sequencerStallTimeoutMillis(), System::currentTimeMillis, chain::append, chain::sequencerGap);
        startPublisher();
        listener = new TransactionCapture(this, config.captureApplierWrites());
        dbms.registerTransactionEventListener(config.database(), listener);
        log.info("ha4neo capture started for database '%s' in epoch %d: %s; resuming after commit id %d",
                config.database(), epoch, config.describe(), startId);
        return true;
    }

    /** A new epoch starts a new chain: the old spool's segments (and gaps) are kept aside for the operator. */
    private void archiveSpool() {
        String name = "before-epoch-" + epoch + "-" + System.currentTimeMillis();
        java.nio.file.Path archived = EventSpool.archive(config.spoolDir(), name);
        java.nio.file.Path gapFile = config.spoolDir().resolve("gaps.log");
        try {
            if (java.nio.file.Files.exists(gapFile)) {
                java.nio.file.Path dir = config.spoolDir().resolve("archive").resolve(name);
                java.nio.file.Files.createDirectories(dir);
                java.nio.file.Files.move(gapFile, dir.resolve("gaps.log"));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot archive " + gapFile, e);
        }
        if (archived != null) {
            log.info("ha4neo: the spool of the previous epoch was moved to %s", archived);
        }
        pruneArchives(config, log);
    }

    /** Keeps the newest {@code ha4neo.spool.archive.retain} archived spools, logging what it deleted. */
    static void pruneArchives(CaptureConfig config, InternalLog log) {
        java.util.List<java.nio.file.Path> deleted = EventSpool.pruneArchives(config.spoolDir(),
                config.spoolArchiveRetain());
        if (!deleted.isEmpty()) {
            log.info("ha4neo: deleted %d archived spool(s) of earlier epochs beyond ha4neo.spool.archive.retain=%d: %s",
                    deleted.size(), config.spoolArchiveRetain(), deleted);
        }
    }

    /**
     * Compares Neo4j's last committed id with the last id the spool accounted for. Ahead means commits happened
     * while capture was not running (process killed between commit and capture): an exact, logged gap. With nothing
     * of this database in the spool or the topic, this is capture's first start: the log begins with its baseline.
     */
    private OptionalLong detectGapSinceLastRun() throws InterruptedException {
        long neo4jLast = lastCommittedId.getAsLong();
        long spoolLast = spool.lastSequencedId();
        java.util.Optional<TopicTailReader.Tail> tail = topicTail(spoolLast == 0);
        if (tail.isPresent() && !tail.get().isEmpty() && tail.get().epoch() > epoch) {
            log.warn("ha4neo: database '%s' was primary of epoch %d, but topic %s already holds epoch %d (its last "
                    + "record is %s): another member was promoted while this one was down. Capture does not start; "
                    + "the member rejoins as a standby of the new primary", config.database(), epoch, config.topic(),
                    tail.get().epoch(), tail.get().position());
            return OptionalLong.empty();
        }
        // Commit ids compare only within an epoch: a tail of an older epoch means our epoch start is still in the spool.
        OptionalLong topicLast = tail.isPresent() && (tail.get().isEmpty() || tail.get().epoch() == epoch)
                ? OptionalLong.of(tail.get().commitId()) : OptionalLong.empty();
        if (tail.isPresent() && topicLast.isEmpty() && spoolLast == 0) {
            throw new IllegalStateException("database '" + config.database() + "' is primary of epoch " + epoch
                    + " but neither topic " + config.topic() + " (it ends at " + tail.get().position() + ") nor the "
                    + "spool " + config.spoolDir() + " holds that epoch's start: the promotion did not complete and its "
                    + "spool was lost. Make this member a standby (or promote it again) before it takes writes");
        }
        if (topicLast.isPresent() && topicLast.getAsLong() > spoolLast) {
            return OptionalLong.of(resumeAfterTopic(neo4jLast, spoolLast, topicLast.getAsLong()));
        }
        if (spoolLast == 0) {
            return OptionalLong.of(startTheLog()); // capture's first start: nothing of it in the spool or the topic
        }
        if (neo4jLast < spoolLast) {
            throw new IllegalStateException("database '" + config.database() + "' has last commit id " + neo4jLast
                    + " but the ha4neo spool " + config.spoolDir() + " already accounts for commit id " + spoolLast
                    + ": the store was restored or replaced. Move the spool directory aside and bootstrap the "
                    + "standbys from this store");
        }
        if (neo4jLast > spoolLast) {
            repairOrGap(spoolLast + 1, neo4jLast, "committed while capture was not running (the process stopped "
                    + "between commit and capture, or the spool lost its unflushed tail)");
        }
        spool.mark(neo4jLast);
        return OptionalLong.of(neo4jLast);
    }

    /**
     * The topic's last commit id. With an empty spool (a first start, or a spool that was lost) only the topic can
     * tell the two apart, so start-up waits for Kafka up to {@code ha4neo.startup.kafka.timeout.ms} and refuses to
     * start the database after that; with a spool, a short try is enough: the spool itself says where to resume.
     */
    private java.util.Optional<TopicTailReader.Tail> topicTail(boolean spoolEmpty) {
        KafkaClients clients = kafkaClients();
        java.util.Optional<TopicTailReader.Tail> last = TopicTailReader.last(clients, config.topic(),
                spoolEmpty ? config.startupKafkaTimeoutMillis() : Math.min(5_000, config.startupKafkaTimeoutMillis()));
        if (last.isEmpty() && spoolEmpty) {
            throw new IllegalStateException("database '" + config.database() + "': the ha4neo spool "
                    + config.spoolDir() + " is empty and Kafka did not answer within "
                    + config.startupKafkaTimeoutMillis() + " ms (" + CaptureConfig.PREFIX
                    + "startup.kafka.timeout.ms), so a first start cannot be told from a lost spool, whose missing "
                    + "commits would otherwise be silently absent from every standby. Start Kafka and restart the "
                    + "database, or raise the timeout");
        }
        if (last.isEmpty()) {
            log.warn("ha4neo: Kafka did not answer at start-up; resuming from the spool (last commit id %d). If the "
                    + "spool lost its tail, the publisher reports it when Kafka is back", spool.lastSequencedId());
        }
        return last;
    }

    /**
     * The topic holds commits the spool does not: the spool lost its tail or was deleted (an OS crash loses unsynced
     * files). The topic's last record is the chain head; commits after it that Neo4j has are missing: a gap event
     * names them exactly, and everything else continues.
     */
    private long resumeAfterTopic(long neo4jLast, long spoolLast, long topicLast) throws InterruptedException {
        if (neo4jLast < topicLast) {
            throw new IllegalStateException("database '" + config.database() + "' has last commit id " + neo4jLast
                    + " but topic " + config.topic() + " already holds commit id " + topicLast + ": this store is "
                    + "older than the log (restored from a backup?) or another store's. Bootstrap this member as a "
                    + "standby of the current primary");
        }
        log.warn("ha4neo: the spool %s accounts only for commit ids up to %d but topic %s holds up to %d: the spool "
                + "lost its tail or was deleted; resuming the chain after the topic's last record",
                config.spoolDir(), spoolLast, config.topic(), topicLast);
        chain.continueAfter(topicLast);
        if (neo4jLast > topicLast) {
            repairOrGap(topicLast + 1, neo4jLast, "committed but lost with the spool's tail (the spool accounted for "
                    + "commit ids up to " + spoolLast + ", the topic holds up to " + topicLast + ")");
        }
        spool.mark(neo4jLast);
        return neo4jLast;
    }

    /**
     * Commits {@code first..last} are in Neo4j but not in the chain. Start-up runs before the database accepts client
     * writes, so the store holds exactly their effect: they are rebuilt from Neo4j's transaction log and the store as
     * one repair event, linked into the chain like any commit. When that is impossible (range pruned from the log,
     * unsupported Neo4j version, a schema change in the range), a gap event names the range and why, as before.
     */
    private void repairOrGap(long first, long last, String why) throws InterruptedException {
        io.ha4neo.capture.repair.RepairContent content;
        long started = System.nanoTime();
        try {
            content = repair.repair(first, last);
        } catch (io.ha4neo.capture.repair.RepairRefusedException e) {
            chain.appendGap(first, last, why + "; not repaired from Neo4j's transaction log: " + e.getMessage());
            return;
        }
        chain.appendRepair(content, why);
        repairs.add(content.summary() + "; " + why);
        log.warn("ha4neo: repaired %s from Neo4j's transaction log in %d ms; they were %s. One repair event takes their "
                + "place in the chain, and the standbys continue without a reseed", content.summary(),
                (System.nanoTime() - started) / 1_000_000, why);
    }

    private KafkaClients kafkaClients() {
        return kafka;
    }

    /**
     * Capture's first start on this database (the spool and the topic hold nothing of it): the log begins with its
     * baseline, this store's last commit id and what the store holds of user data at this point, which no standby can
     * get from the log. The commit id is read first: a commit racing with a role flip then falls after the baseline
     * (reported as a gap by the sequencer's stall check) and is counted as content, never silently lost.
     */
    private long startTheLog() throws InterruptedException {
        long neo4jLast = lastCommittedId.getAsLong();
        chain.appendBaseline(neo4jLast, new CaptureBaseline(config.memberName(), storeContent.get()));
        spool.mark(neo4jLast);
        return neo4jLast;
    }

    /** A role flip of a member with a spool: its own chain goes on after the store's last commit id. */
    private long resumeAfterLastCommit() throws InterruptedException {
        long neo4jLast = lastCommittedId.getAsLong();
        spool.mark(neo4jLast);
        return neo4jLast;
    }

    private void startPublisher() {
        TopicGuard guard = new TopicGuard(config.topic(), TopicSpec.forReplicationFactor(config.topicReplicationFactor()),
                config.chunkMaxBytes());
        publisher = new EventPublisher(spool, config.topic(), guard, kafkaClients(), PublisherTime.SYSTEM,
                config.publishBatchMaxEvents(), config.publishLingerMillis(), this::periodicCheck, log, epoch,
                config.epochCheckIntervalMillis(), onSuperseded);
        publisherThread = new Thread(publisher, "ha4neo-publisher-" + config.database());
        publisherThread.setDaemon(true);
        publisherThread.start();
    }

    /** Called by the listener on the committing thread, for every commit id. */
    void committed(long commitId, long commitTimeMillis, TransactionCapture.Captured captured) throws InterruptedException {
        ChainWriter.Pending pending = captured.changes() == null && captured.failure() == null ? null
                : new ChainWriter.Pending(commitTimeMillis, captured.changes(), captured.failure());
        sequencer.offer(commitId, pending);
        if (pending != null && config.durability() == Durability.SEMI_SYNC && !semiSyncFallback.get()) {
            awaitSemiSync(commitId);
        }
    }

    private void awaitSemiSync(long commitId) throws InterruptedException {
        if (publisher.awaitPublished(commitId, config.semiSyncTimeoutMillis())) {
            return;
        }
        if (config.semiSyncFailsClosed()) {
            failClosedUntilPublished(commitId);
        } else if (semiSyncFallback.compareAndSet(false, true)) {
            log.warn("ha4neo semi-sync: Kafka did not acknowledge commit id %d within %d ms; falling back to async "
                    + "(commits no longer wait) until the publisher catches up", commitId, config.semiSyncTimeoutMillis());
        }
    }

    /**
     * Semi-sync that fails closed ({@code ha4neo.semi_sync.on.timeout=refuse}): a commit Kafka has not acknowledged is
     * never acknowledged to its client, so this one keeps waiting (its client times out on its side, or sees the
     * acknowledgement late), and new client writes are refused until Kafka has caught up. Only capture stopping (a
     * rejoin, the database shutting down) releases a waiting commit without Kafka's acknowledgement: then it is part
     * of the divergent tail the member reports when it rejoins.
     */
    private void failClosedUntilPublished(long commitId) throws InterruptedException {
        if (semiSyncFallback.compareAndSet(false, true)) {
            log.warn("ha4neo semi-sync: Kafka did not acknowledge commit id %d within %d ms; client writes are refused "
                    + "until it does (ha4neo.semi_sync.on.timeout=refuse), and commits waiting for it keep waiting",
                    commitId, config.semiSyncTimeoutMillis());
        }
        while (!stopping && !publisher.awaitPublished(commitId, 200)) {
            // keeps waiting: the client must not see an acknowledgement Kafka did not give
        }
    }

    /** Why semi-sync refuses client writes now (failing closed), or null. */
    String semiSyncRefusal() {
        if (!semiSyncFallback.get() || !config.semiSyncFailsClosed()) {
            return null;
        }
        return "semi-sync durability fails closed (ha4neo.semi_sync.on.timeout=refuse) and Kafka has not acknowledged "
                + "the commits waiting for it within " + config.semiSyncTimeoutMillis() + " ms (publisher "
                + publisher.state() + "). Retry later; writes are accepted again once Kafka catches up";
    }

    void captureFailed(TransactionData data, Throwable t) {
        long id = -1;
        try {
            id = data.getTransactionId();
        } catch (RuntimeException ignored) {
            // id unknown; the error below still names the failure
        }
        // Not recorded as a gap here: if the id never reached the sequencer, its stall check turns it into a gap
        // event in commit order; if it did, it was captured and only the wait after it failed.
        log.error("ha4neo: capture of commit id %d failed in afterCommit: %s; if it was not sequenced it is reported "
                + "as a gap after ha4neo.sequencer.stall.timeout.ms", id, t);
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
        checkSemiSyncRestore(System.currentTimeMillis());
    }

    /**
     * Returns from the async fallback once Kafka keeps up again: when the publisher has acknowledged the event that
     * was the spool's last one at most half a semi-sync timeout ago, a waiting commit would be acknowledged in time.
     * Under steady load the spool always has events in flight, so "everything published" at one instant would never
     * come; a bound on the publish delay does. Runs on the publisher thread only.
     */
    private void checkSemiSyncRestore(long now) {
        if (!semiSyncFallback.get() || publisher.state() != PublisherState.PUBLISHING) {
            restoreProbeId = -1;
            return;
        }
        if (restoreProbeId < 0 || publisher.publishedId() >= restoreProbeId
                && now - restoreProbeSince > config.semiSyncTimeoutMillis() / 2) {
            restoreProbeId = spool.lastEventId(); // (re)start the probe: how long until Kafka has this one?
            restoreProbeSince = now;
        } else if (publisher.publishedId() >= restoreProbeId && semiSyncFallback.compareAndSet(true, false)) {
            restoreProbeId = -1;
            log.info("ha4neo semi-sync restored: Kafka acknowledged commit id %d within %d ms of its spooling; commits "
                    + "wait for acknowledgement again%s", publisher.publishedId(), now - restoreProbeSince,
                    config.semiSyncFailsClosed() ? " and client writes are accepted" : "");
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
        return chain.chainHead();
    }

    /**
     * Waits until every commit made so far is captured and Kafka has the chain head: the handover point of a
     * switchover (writes must already be refused, or the head keeps moving).
     *
     * @throws java.util.concurrent.TimeoutException naming what is still missing
     */
    PublishedHead awaitAllPublished(long timeoutMillis) throws InterruptedException,
            java.util.concurrent.TimeoutException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long target = lastCommittedId.getAsLong();
        while (sequencer.nextExpected() <= target) {
            if (System.currentTimeMillis() > deadline) {
                throw new java.util.concurrent.TimeoutException("commits up to id " + target + " were not captured "
                        + "within " + timeoutMillis + " ms (next expected " + sequencer.nextExpected() + ")");
            }
            Thread.sleep(1);
        }
        long head = chain.chainHead();
        if (!publisher.awaitPublished(head, Math.max(1, deadline - System.currentTimeMillis()))) {
            throw new java.util.concurrent.TimeoutException("Kafka has not acknowledged commit id " + head + " within "
                    + timeoutMillis + " ms (published up to " + publisher.publishedId() + ", publisher "
                    + publisher.state() + (publisher.lastError().isEmpty() ? "" : ", last error: "
                    + publisher.lastError()) + ")");
        }
        return new PublishedHead(new io.ha4neo.schemas.event.ChainPosition(epoch, head), publisher.publishedOffset());
    }

    /** True once Kafka acknowledged {@code commitId}, waiting up to {@code timeoutMillis}. */
    boolean awaitPublished(long commitId, long timeoutMillis) throws InterruptedException {
        return publisher.awaitPublished(commitId, timeoutMillis);
    }

    /** Kafka offset of the last record published (or found in the topic at connection), -1 when none is known. */
    long publishedOffset() {
        return publisher.publishedOffset();
    }

    PublisherState publisherState() {
        return publisher.state();
    }

    String publisherLastError() {
        return publisher.lastError();
    }

    long epoch() {
        return epoch;
    }

    /** Commit id of the last event in the chain. */
    long chainHead() {
        return chain.chainHead();
    }

    CaptureStatus status() {
        return CaptureStatus.builder()
                .role(Role.PRIMARY.name().toLowerCase(Locale.ROOT))
                .database(config.database())
                .clusterId(config.clusterId())
                .epoch(epoch)
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
                .repairs(repairs)
                .lastError(publisher.lastError())
                .build();
    }

    /** Stops listening, gives the publisher a bounded time to drain, then stops it. */
    Stopped stop() throws InterruptedException {
        if (listener != null) {
            dbms.unregisterTransactionEventListener(config.database(), listener);
        }
        stopping = true; // releases commits that wait for Kafka while semi-sync fails closed
        Stopped stopped = new Stopped(spool.lastSequencedId(), lastCommittedId.getAsLong(), chain.chainHead());
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
        return stopped;
    }
}
