package io.ha4neo.capture;

import io.ha4neo.capture.config.CaptureConfig;
import io.ha4neo.capture.publish.CaptureCodecs;
import io.ha4neo.capture.publish.EpochHistory;
import io.ha4neo.capture.publish.KafkaClients;
import io.ha4neo.capture.publish.TopicTailReader;
import io.ha4neo.capture.standby.CommitGate;
import io.ha4neo.capture.standby.ReplicaProgress;
import io.ha4neo.capture.standby.RoleFile;
import io.ha4neo.capture.standby.TriggerGate;
import io.ha4neo.capture.standby.WriteGuard;
import io.ha4neo.capture.status.CaptureStatus;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.config.ConfigException;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.EpochStart;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.topology.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.InternalLog;

/**
 * One replicated database on this Neo4j process, in its current {@link Role}. Owns the write guard (always
 * registered), the capture service (while primary) and the standby's view of applied progress.
 *
 * <p>Roles move through a switchover or a failover (docs/roles.md):
 * <ul>
 *   <li>{@link #freeze}: a primary stops taking client writes and publishes everything (the handover point);</li>
 *   <li>{@link #promote}: a standby that applied exactly the handover point becomes primary of the next epoch; its
 *       epoch start is the first event of that epoch, linked to the handover point;</li>
 *   <li>{@link #rejoin}: a former primary (frozen, or superseded: it found a newer epoch in the log) becomes a standby
 *       following the new primary from its handover point, or {@link Role#FENCED} when it holds commits the log
 *       does not have (its divergent tail, reported and exported).</li>
 * </ul>
 * A primary that finds a newer epoch (its publisher is {@link PublisherState#SUPERSEDED}) freezes writes at once and
 * rejoins by itself.
 *
 * <p>Role changes close the {@link CommitGate}, wait for in-flight commits, switch and persist the role, reopen the
 * gate, then start or stop capture. Public methods that change the role are serialised on this object's monitor;
 * status reads volatile fields and never waits for a change.
 */
public final class ReplicationMember {
    private static final long ROLE_CHANGE_TIMEOUT_MS = 30_000;

    /** A handover point: a position of the log and the offset of its last record. */
    public record Handover(ChainPosition position, long offset) {
    }

    /**
     * Where a bootstrap run reads from: this primary's member name, its epoch, and the offset of the last record its
     * publisher has in Kafka now (-1 when unknown), read before the run's begin commits.
     */
    public record BootstrapSource(String member, long epoch, long publishedOffset) {
    }

    /** The outcome of a rejoin. */
    public record Rejoined(Role role, ChainPosition handover, List<String> divergentTail) {
    }

    private final CaptureConfig config;
    private final DatabaseManagementService dbms;
    private final LongSupplier lastCommittedId;
    private final Supplier<StoreContent> storeContent;
    private final io.ha4neo.capture.repair.CommitRepair repair;
    private final InternalLog log;
    private final RoleFile roleFile;
    private final CommitGate gate = new CommitGate();
    private final ReplicaProgress progress = new ReplicaProgress();
    private final WriteGuard guard;
    /** Keeps APOC's triggers from firing for what a standby applies (docs/apoc-triggers.md). */
    private final TriggerGate triggers;
    private final boolean authEnabled;
    /** Decodes the spool and the topic's records in the configured mode (registry mode: fetches ids when first seen). */
    private final EventCodec readingCodec;
    private final Path tailFile;
    private volatile Role role;
    /** The epoch this member is (or was last) primary of. */
    private volatile long epoch;
    /** Client writes refused on a primary: a switchover froze it, or a newer epoch was found. */
    private volatile boolean frozen;
    private volatile Handover frozenAt;
    private volatile List<String> divergentTail = List.of();
    /** Written under this object's monitor (role changes); read without it, so status never waits for a change. */
    private volatile CaptureService capture;
    private volatile Thread rejoiner;
    /** Set when the member starts as a superseded primary: Neo4j's last commit id at that start; -1 otherwise. */
    private volatile long committedAtStart = -1;

    /**
     * @param lastCommittedId Neo4j's last committed transaction id of the database
     * @param storeContent    what the store holds of user data now: the log's baseline, at capture's first start
     * @param repair          rebuilds commits capture missed from Neo4j's transaction log, at capture's start
     */
    ReplicationMember(CaptureConfig config, DatabaseManagementService dbms, LongSupplier lastCommittedId,
                      Supplier<StoreContent> storeContent, io.ha4neo.capture.repair.CommitRepair repair,
                      TriggerGate.Registry listeners, InternalLog log, boolean authEnabled) {
        this.config = config;
        this.dbms = dbms;
        this.lastCommittedId = lastCommittedId;
        this.storeContent = storeContent;
        this.repair = repair;
        this.log = log;
        this.roleFile = new RoleFile(config.spoolDir());
        this.tailFile = config.spoolDir().resolve("divergent-tail.txt");
        this.authEnabled = authEnabled;
        this.readingCodec = CaptureCodecs.forReading(config);
        this.triggers = new TriggerGate(config.database(), listeners, () -> role, m -> log.info("%s", m),
                m -> log.warn("%s", m));
        this.guard = new WriteGuard(() -> role, this::primaryRefusal, triggers::refusal, gate, progress,
                config.clusterId(), authEnabled, config.applierUser(), config.captureApplierWrites());
    }

    /** Why a primary refuses client writes now, or null when it accepts them. */
    private String primaryRefusal() {
        if (frozen) {
            return "its primary role is being handed over (a switchover, a demotion, or another member was promoted). "
                    + "Retry the transaction against the new primary (ha4neo status shows it)";
        }
        CaptureService c = capture;
        return c == null ? null : c.semiSyncRefusal();
    }

    /** Takes the persisted role (or the configured one), guards writes, and captures when primary. */
    synchronized void start() throws Exception {
        RoleFile.State state = roleFile.read(config.epoch()).orElse(new RoleFile.State(config.role(), config.epoch()));
        role = state.role();
        epoch = state.epoch();
        requireApplierUserIfStandby(role);
        if (role != config.role()) {
            log.warn("ha4neo: database '%s' starts as %s of epoch %d, the role last set at runtime (%s), not "
                    + "ha4neo.role=%s", config.database(), role, epoch, roleFile.path(),
                    config.role().name().toLowerCase(Locale.ROOT));
        }
        dbms.registerTransactionEventListener(config.database(), guard);
        if (role == Role.FENCED) {
            divergentTail = readTailFile();
            log.error("ha4neo: database '%s' is FENCED: it holds commits the log does not have; no writes until it is "
                    + "re-seeded or `ha4neo rejoin --discard-tail` runs: %s", config.database(), divergentTail);
        } else if (role == Role.PRIMARY) {
            CaptureService c = newCapture();
            if (c.start(new CaptureService.Start.Restart())) {
                capture = c;
            } else {
                frozen = true; // another member was promoted while this one was down
                // Neo4j's last commit id before any client can connect: commits after the spool's up to it are the
                // ones whose content is unknown; later ones are refused writes' token transactions.
                committedAtStart = lastCommittedId.getAsLong();
                rejoinInBackground(); // once the database is available: the rejoin writes to it
            }
        }
        gateTriggers(triggers::sweep); // after capture's listener: APOC's, if its extension started first
    }

    synchronized void stop() throws InterruptedException {
        Thread r = rejoiner;
        if (r != null) {
            r.interrupt();
        }
        gateTriggers(triggers::restore);
        stopCapture();
        dbms.unregisterTransactionEventListener(config.database(), guard);
    }

    /**
     * The database became available: every extension has started, APOC's trigger handler is registered by now, and so
     * is capture's listener on a primary, which the stand-in's parts must surround.
     */
    void databaseAvailable() {
        gateTriggers(triggers::sweep);
        gateTriggers(triggers::reorder);
    }

    /** The database is stopping: APOC's handler goes back in place before APOC's own stop unregisters it. */
    void databaseUnavailable() {
        gateTriggers(triggers::restore);
    }

    /** The trigger gate never fails a start, a stop or a role change: a failure is logged and the rest goes on. */
    private void gateTriggers(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.warn("ha4neo: the APOC trigger gate of database '%s' failed (%s); APOC's triggers may fire on a "
                    + "standby until it succeeds (next role change or write)", config.database(), e);
        }
    }

    private CaptureService newCapture() {
        return new CaptureService(config, epoch, dbms, lastCommittedId, storeContent, repair, log, this::superseded);
    }

    /**
     * The low-level role flip of {@code ha4neo.setRole}: no epoch change, no handover. Kept for tests and manual
     * recovery; a standby that follows a primary (it has a watermark) must be promoted instead, or its chain would not
     * link to the log.
     */
    public synchronized Role changeRole(Role next) throws Exception {
        Role previous = role;
        if (next == previous) {
            throw new IllegalArgumentException("database '" + config.database() + "' is already " + previous
                    + "; allowed transitions are PRIMARY -> STANDBY and STANDBY -> PRIMARY");
        }
        if (next == Role.FENCED || previous == Role.FENCED) {
            throw new IllegalArgumentException("database '" + config.database() + "' cannot be set " + next + " from "
                    + previous + " with setRole; a fenced member is left with `ha4neo rejoin`");
        }
        requireApplierUserIfStandby(next);
        if (next == Role.PRIMARY && readWatermark().isPresent()) {
            throw new IllegalStateException("database '" + config.database() + "' follows a primary (its watermark is "
                    + readWatermark().get().position() + "); make it primary with a switchover or failover "
                    + "(ha4neo switchover|failover, or CALL ha4neo.promote) so that its epoch links to the log");
        }
        switchRole(next, epoch);
        log.info("ha4neo: database '%s' changed role %s -> %s (persisted in %s)", config.database(), previous, next,
                roleFile.path());
        if (next == Role.PRIMARY) {
            CaptureService c = newCapture();
            c.start(new CaptureService.Start.RoleFlip());
            capture = c;
            gateTriggers(triggers::reorder);
        } else {
            stopCapture();
        }
        return previous;
    }

    /**
     * Step 1 of a switchover, on the primary: from now on client writes are refused; commits in flight finish, and
     * everything captured is published. Returns the handover point: the last event in the log. Idempotent while
     * frozen.
     */
    public synchronized Handover freeze(long timeoutMillis) throws Exception {
        CaptureService c = requirePrimaryCapture("freeze");
        if (frozenAt != null) {
            return frozenAt;
        }
        long start = System.currentTimeMillis();
        try {
            gate.exclusively(timeoutMillis, () -> frozen = true);
            CaptureService.PublishedHead head = c.awaitAllPublished(Math.max(1,
                    timeoutMillis - (System.currentTimeMillis() - start)));
            frozenAt = new Handover(head.position(), head.offset());
        } catch (TimeoutException e) {
            frozen = false;
            throw new IllegalStateException("database '" + config.database() + "' not frozen, writes are open again: "
                    + e.getMessage(), e);
        }
        log.info("ha4neo: database '%s' frozen for a switchover after %d ms: client writes are refused; the handover "
                + "point is %s at offset %d", config.database(), System.currentTimeMillis() - start,
                frozenAt.position(), frozenAt.offset());
        return frozenAt;
    }

    /** Rolls a freeze back: the primary accepts writes again. */
    public synchronized void unfreeze() {
        requirePrimaryCapture("unfreeze");
        if (!frozen) {
            return;
        }
        frozen = false;
        frozenAt = null;
        log.info("ha4neo: database '%s' unfrozen: the primary accepts client writes again", config.database());
    }

    private CaptureService requirePrimaryCapture(String what) {
        CaptureService c = capture;
        if (role != Role.PRIMARY || c == null) {
            throw new IllegalStateException("database '" + config.database() + "' is " + role + ", not a publishing "
                    + "primary: cannot " + what);
        }
        if (c.publisherState() == PublisherState.SUPERSEDED) {
            throw new IllegalStateException("database '" + config.database() + "' was superseded (the log holds an "
                    + "epoch newer than " + epoch + "): cannot " + what + "; it rejoins as a standby");
        }
        return c;
    }

    /**
     * Makes this standby the primary of epoch {@code previousEpoch + 1}. It must have applied exactly
     * ({@code previousEpoch}, {@code previousCommitId}), the last event in the log. Its epoch start is published
     * before any client write is accepted; on any failure it stays a standby.
     *
     * @return the new epoch's first position: (new epoch, this store's last commit id)
     */
    public synchronized ChainPosition promote(long previousEpoch, long previousCommitId, String reason,
                                              long timeoutMillis) throws Exception {
        if (role != Role.STANDBY) {
            throw new IllegalStateException("database '" + config.database() + "' is " + role + ", not a standby: "
                    + (role == Role.PRIMARY ? "it is already primary of epoch " + epoch
                    : "it holds a divergent tail; rejoin or re-seed it first"));
        }
        ChainPosition handover = new ChainPosition(previousEpoch, previousCommitId);
        Optional<Handover> at = readWatermark();
        boolean matches = at.map(h -> h.position().equals(handover)).orElse(previousCommitId == 0);
        if (!matches) {
            throw new IllegalStateException("database '" + config.database() + "' has applied "
                    + at.map(h -> h.position().toString()).orElse("nothing") + ", not the handover point " + handover
                    + ": its applier must apply exactly up to the handover point first (ha4neo.awaitCommit), and the "
                    + "handover point must be the last event in the log");
        }
        long previousMemberEpoch = epoch;
        long newEpoch = previousEpoch + 1;
        long start = System.currentTimeMillis();
        switchRole(Role.PRIMARY, newEpoch, true);
        try {
            CaptureService c = newCapture();
            c.start(new CaptureService.Start.Promotion(previousCommitId,
                    new EpochStart(previousEpoch, config.memberName(), reason == null || reason.isBlank()
                            ? "promote" : reason)));
            capture = c;
            long baseline = lastCommittedBaseline(c);
            awaitEpochStartPublished(c, baseline, timeoutMillis);
            gateTriggers(triggers::reorder); // around capture's listener, before the first client write
            frozen = false;
            frozenAt = null;
            log.info("ha4neo: database '%s' promoted to primary of epoch %d in %d ms (%s): its epoch start (commit id "
                    + "%d) follows %s; client writes are accepted", config.database(), newEpoch,
                    System.currentTimeMillis() - start, reason, baseline, handover);
            return new ChainPosition(newEpoch, baseline);
        } catch (Exception e) {
            log.error("ha4neo: promotion of database '%s' to epoch %d failed, it stays a standby: %s",
                    config.database(), newEpoch, e.getMessage());
            stopCapture();
            switchRole(Role.STANDBY, previousMemberEpoch, false);
            throw new IllegalStateException("promotion of '" + config.database() + "' to primary of epoch " + newEpoch
                    + " failed, it stays a standby: " + e.getMessage(), e);
        }
    }

    private static long lastCommittedBaseline(CaptureService c) {
        return c.chainHead(); // the epoch start, the first event of the new spool
    }

    private void awaitEpochStartPublished(CaptureService c, long baseline, long timeoutMillis)
            throws InterruptedException, TimeoutException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!c.awaitPublished(baseline, 50)) {
            PublisherState s = c.publisherState();
            if (s == PublisherState.DIVERGED || s == PublisherState.SUPERSEDED || s == PublisherState.FENCED) {
                throw new IllegalStateException("the publisher is " + s + ": " + c.publisherLastError());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new TimeoutException("Kafka did not acknowledge the epoch start within " + timeoutMillis
                        + " ms (publisher " + s + (c.publisherLastError().isEmpty() ? "" : ", last error: "
                        + c.publisherLastError()) + ")");
            }
        }
    }

    /**
     * Makes a former primary (frozen, superseded or fenced) a standby of the newer epoch: finds where its own epoch
     * ended in the log, compares that with what this store committed, and follows from the handover point when nothing
     * is missing from the log. Otherwise (or unless {@code discardTail}) it becomes FENCED with the tail reported.
     */
    public synchronized Rejoined rejoin(boolean discardTail) throws Exception {
        if (role == Role.STANDBY) { // it rejoined by itself already (it found the newer epoch first)
            return new Rejoined(Role.STANDBY, readWatermark().map(Handover::position).orElse(ChainPosition.START),
                    List.of());
        }
        EpochHistory.Handover handover = findHandover();
        CaptureService.Stopped stopped = null;
        if (role == Role.PRIMARY) {
            frozen = true;
            CaptureService c = capture;
            if (c != null) {
                stopped = c.stop();
                capture = null;
            }
        }
        long handoverId = handover.previous().commitId();
        long sequenced = stopped != null ? stopped.lastSequencedId() : spoolLastSequenced();
        long committed = stopped != null ? stopped.lastCommittedId() : committedAtStart >= 0 ? committedAtStart
                : lastCommittedId.getAsLong();
        if (role == Role.FENCED) {
            committed = fencedAtLastCommitted().orElse(Long.MAX_VALUE); // unknown: nothing may be undone
        }
        DivergentTail.Report tail = DivergentTail.find(config.spoolDir(), config.spoolMaxBytes(),
                readingCodec, epoch, handoverId, sequenced, committed);
        if (role == Role.FENCED && !divergentTail.isEmpty() && tail.isEmpty()) {
            tail = DivergentTail.Report.asReported(divergentTail); // as reported then
        }
        GraphDatabaseService db = dbms.database(config.database());
        if (tail.hasUncapturedRange() && committed != Long.MAX_VALUE) {
            try { // the process stopped between commit and capture: Neo4j's own log says what those commits did
                tail = tail.withUncaptured(UncapturedTailLog.read(db, tail.unknownFirst(), tail.unknownLast()));
            } catch (io.ha4neo.capture.rewind.UncapturedCreations.NotUndoableException e) {
                tail = tail.withUnknownReason(e.getMessage());
            }
        }
        if (tail.isEmpty()) {
            followFrom(handover);
            return new Rejoined(Role.STANDBY, handover.previous(), List.of());
        }
        boolean neverAcknowledged = config.durability() == io.ha4neo.capture.config.CaptureConfig.Durability.SEMI_SYNC
                && config.semiSyncFailsClosed();
        Optional<String> notUndoable = tail.notUndoable();
        if ((discardTail || neverAcknowledged) && notUndoable.isEmpty()) {
            try {
                io.ha4neo.capture.rewind.TailRewinder.undo(db, tail.decoded(), tail.uncaptured(),
                        UncapturedTailLog.elementIds(db));
            } catch (IllegalStateException e) { // an entity is not as the tail says: nothing was changed
                notUndoable = Optional.of(e.getMessage());
            }
        }
        if ((discardTail || neverAcknowledged) && notUndoable.isEmpty()) {
            log.warn("ha4neo: database '%s' undid its divergent tail of %d commit(s) of epoch %d after the handover "
                    + "point %s (%s; exported to %s): %s", config.database(), tail.commitCount(), epoch,
                    handover.previous(), discardTail ? "the operator discarded it" : "semi-sync failing closed never "
                    + "acknowledged them to a client", tail.exportFile(), tail.lines());
            followFrom(handover);
            return new Rejoined(Role.STANDBY, handover.previous(), tail.lines().stream()
                    .map(l -> "undone: " + l).toList());
        }
        if (discardTail) {
            throw new IllegalStateException("database '" + config.database() + "' cannot discard its divergent tail: "
                    + notUndoable.orElse("?") + ". It stays " + role + "; re-seed it from the new primary: "
                    + tail.lines());
        }
        fence(tail, handover, notUndoable, committed);
        return new Rejoined(Role.FENCED, handover.previous(), tail.lines());
    }

    private EpochHistory.Handover findHandover() {
        KafkaClients clients = KafkaClients.fromProperties(config.kafkaProperties(), config.transactionalId(),
                "ha4neo-" + config.database() + "-rejoin", config.chunkMaxBytes());
        try (Consumer<byte[], byte[]> consumer = clients.tailConsumer()) {
            return EpochHistory.handoverAfter(consumer, config.topic(), epoch, System::currentTimeMillis, readingCodec)
                    .orElseThrow(() -> new IllegalStateException("topic " + config.topic() + " holds no epoch after "
                            + "this member's epoch " + epoch + ": no other member was promoted, nothing to rejoin "
                            + "(unfreeze it, or promote another member first)"));
        }
    }

    private long spoolLastSequenced() {
        try (var spool = io.ha4neo.capture.spool.EventSpool.open(config.spoolDir(), config.spoolMaxBytes(),
                io.ha4neo.capture.spool.EventSpool.SyncPolicy.NONE)) {
            return spool.lastSequencedId();
        }
    }

    private void fence(DivergentTail.Report tail, EpochHistory.Handover handover, Optional<String> notUndoable,
                       long lastCommitted) {
        divergentTail = tail.lines();
        writeTailFile(tail.lines(), lastCommitted);
        switchRole(Role.FENCED, epoch, true);
        frozen = false;
        frozenAt = null;
        log.error("ha4neo: database '%s' is FENCED: it committed %d transaction(s) of epoch %d after the handover "
                + "point %s that the log does not have (epoch %d started at offset %d, promoted member '%s'): %s. "
                + "Neither clients nor the applier may write. %s", config.database(),
                tail.lines().size(), epoch, handover.previous(), handover.start().epoch(), handover.startOffset(),
                handover.info().member(), tail.lines(), notUndoable.map(why -> "The tail cannot be undone (" + why
                        + "): re-seed this member from the new primary").orElse("Run `ha4neo rejoin <member> "
                        + "--discard-tail` to undo those commits (exported to " + tail.exportFile() + ") and follow, or "
                        + "re-seed it from the new primary"));
    }

    /** Writes the watermark of the handover point, archives the spool and becomes a standby. */
    private void followFrom(EpochHistory.Handover handover) {
        ChainPosition at = handover.previous();
        long offset = handover.startOffset() - 1; // the applier reads on from the epoch start
        GraphDatabaseService db = dbms.database(config.database());
        WriteGuard.internally(() -> {
            try (Transaction tx = db.beginTx()) {
                Node w = tx.findNode(Label.label(WatermarkNode.LABEL), WatermarkNode.DATABASE, config.database());
                if (w == null) {
                    w = tx.createNode(Label.label(WatermarkNode.LABEL));
                    w.setProperty(WatermarkNode.DATABASE, config.database());
                }
                Map<String, Object> p = Map.of(WatermarkNode.COMMIT_ID, at.commitId(), WatermarkNode.EPOCH, at.epoch(),
                        WatermarkNode.TOPIC, config.topic(), WatermarkNode.PARTITION, 0L, WatermarkNode.OFFSET, offset,
                        WatermarkNode.SOURCE_COMMIT_TIME_MILLIS, 0L,
                        WatermarkNode.APPLIED_AT_MILLIS, System.currentTimeMillis());
                for (String key : WatermarkNode.PROPERTIES) {
                    w.setProperty(key, p.get(key));
                }
                tx.commit();
            }
        });
        progress.reset(at.epoch(), at.commitId(), 0, System.currentTimeMillis());
        Path archived = io.ha4neo.capture.spool.EventSpool.archive(config.spoolDir(), "epoch-" + epoch + "-rejoined-"
                + System.currentTimeMillis());
        CaptureService.pruneArchives(config, log);
        divergentTail = List.of();
        deleteTailFile();
        switchRole(Role.STANDBY, epoch, false);
        frozen = false;
        frozenAt = null;
        log.info("ha4neo: database '%s' rejoined as a standby: it follows epoch %d (member '%s') from the handover "
                + "point %s, topic %s offset %d%s", config.database(), handover.start().epoch(),
                handover.info().member(), at, config.topic(), handover.startOffset(),
                archived == null ? "" : "; its spool was moved to " + archived);
    }

    /** The publisher found a newer epoch in the log (its thread calls this): refuse writes now, rejoin soon. */
    private void superseded(TopicTailReader.Tail tail) {
        frozen = true;
        log.warn("ha4neo: database '%s' was primary of epoch %d, but the log holds epoch %d (%s): another member was "
                + "promoted. Client writes are refused from now on; the member rejoins as a standby",
                config.database(), epoch, tail.epoch(), tail.position());
        rejoinInBackground();
    }

    private void rejoinInBackground() {
        Thread t = new Thread(() -> {
            try {
                if (!dbms.database(config.database()).isAvailable(120_000)) {
                    throw new IllegalStateException("the database did not become available within 120 s");
                }
                Rejoined r = rejoin(false);
                log.info("ha4neo: database '%s' rejoined as %s after being superseded", config.database(), r.role());
            } catch (Exception e) {
                log.error("ha4neo: database '%s' was superseded but could not rejoin by itself: %s; it stays frozen "
                        + "(no client writes). Run `ha4neo rejoin <member>`", config.database(), e.getMessage());
            } finally {
                rejoiner = null;
            }
        }, "ha4neo-rejoin-" + config.database());
        t.setDaemon(true);
        rejoiner = t;
        t.start();
    }

    /** Switches role (and epoch) atomically with respect to commits, and persists both. */
    private void switchRole(Role next, long nextEpoch, boolean freezeWrites) {
        try {
            gate.exclusively(ROLE_CHANGE_TIMEOUT_MS, () -> {
                roleFile.write(next, nextEpoch);
                role = next;
                epoch = nextEpoch;
                if (freezeWrites) {
                    frozen = true;
                }
            });
        } catch (TimeoutException e) {
            throw new IllegalStateException("role of database '" + config.database() + "' not changed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("role of database '" + config.database() + "' not changed: interrupted", e);
        }
        if (next != Role.STANDBY) {
            progress.forget();
        }
        gateTriggers(triggers::sweep);
    }

    private void switchRole(Role next, long nextEpoch) {
        switchRole(next, nextEpoch, false);
    }

    /** With authentication on, a standby must know which user the applier is, or nobody could write to it. */
    private void requireApplierUserIfStandby(Role r) {
        if (r == Role.STANDBY && authEnabled && config.applierUser().isBlank()) {
            throw new ConfigException(CaptureConfig.PREFIX + "applier.user", "is required for a standby when "
                    + "dbms.security.auth_enabled=true: only that user's transactions tagged ha4neo.applier=true may "
                    + "write to a standby; set it to the user the sink applier logs in as");
        }
    }

    private void stopCapture() throws InterruptedException {
        CaptureService c = capture;
        if (c != null) {
            c.stop();
            capture = null;
        }
    }

    private Optional<Handover> readWatermark() {
        GraphDatabaseService db = dbms.database(config.database());
        try (Transaction tx = db.beginTx()) {
            Node w = tx.findNode(Label.label(WatermarkNode.LABEL), WatermarkNode.DATABASE, config.database());
            if (w == null) {
                return Optional.empty();
            }
            return Optional.of(new Handover(new ChainPosition(num(w.getProperty(WatermarkNode.EPOCH, 0L)),
                    num(w.getProperty(WatermarkNode.COMMIT_ID, 0L))), num(w.getProperty(WatermarkNode.OFFSET, -1L))));
        }
    }

    private static final String FENCED_AT = "# lastCommittedId=";

    private List<String> readTailFile() {
        try {
            return Files.isRegularFile(tailFile) ? Files.readAllLines(tailFile, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.startsWith("#")).toList()
                    : List.of("divergent tail unknown: " + tailFile + " is missing");
        } catch (IOException e) {
            return List.of("divergent tail unknown: cannot read " + tailFile + ": " + e);
        }
    }

    /** Neo4j's last commit id when the member was fenced: commits after the spool's up to it have unknown content. */
    private Optional<Long> fencedAtLastCommitted() {
        try {
            if (!Files.isRegularFile(tailFile)) {
                return Optional.empty();
            }
            return Files.readAllLines(tailFile, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(FENCED_AT))
                    .map(l -> Long.parseLong(l.substring(FENCED_AT.length()).trim())).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void writeTailFile(List<String> lines, long lastCommitted) {
        try {
            Files.createDirectories(tailFile.getParent());
            List<String> content = new java.util.ArrayList<>();
            content.add(FENCED_AT + lastCommitted);
            content.addAll(lines);
            Files.write(tailFile, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tailFile, e);
        }
    }

    private void deleteTailFile() {
        try {
            Files.deleteIfExists(tailFile);
        } catch (IOException e) {
            log.warn("ha4neo: cannot delete %s: %s", tailFile, e);
        }
    }

    public Role role() {
        return role;
    }

    /**
     * The replicated database, outside any caller's security context: for the plugin's own transactions (a procedure's
     * injected database is bound to its caller and to the procedure's mode, which may not create tokens).
     */
    public GraphDatabaseService graph() {
        return dbms.database(config.database());
    }

    /** This member's name ({@code ha4neo.member.name}). */
    public String memberName() {
        return config.memberName();
    }

    /** The replication topic of this database. */
    public String topic() {
        return config.topic();
    }

    /**
     * For a bootstrap run on this member: it must be a publishing primary that accepts client writes now.
     *
     * @throws IllegalStateException naming the member and its role (or why it refuses writes) otherwise
     */
    public BootstrapSource bootstrapSource(String what) {
        CaptureService c = capture;
        if (role != Role.PRIMARY) {
            throw new IllegalStateException("member '" + config.memberName() + "' (database '" + config.database()
                    + "') is " + role + ", not a primary: cannot " + what + ". A bootstrap run reads from the primary; "
                    + "call it there");
        }
        String refusal = c == null ? "it does not capture (it found a newer epoch in the log and rejoins as a standby)"
                : c.publisherState() == PublisherState.SUPERSEDED ? "the log holds a newer epoch than " + epoch
                + " (another member was promoted)" : primaryRefusal();
        if (refusal != null) {
            throw new IllegalStateException("member '" + config.memberName() + "' (database '" + config.database()
                    + "') is PRIMARY but does not accept writes: " + refusal + ". Cannot " + what + "; retry once it "
                    + "accepts writes, or on the new primary");
        }
        return new BootstrapSource(config.memberName(), c.epoch(), c.publishedOffset()); // c != null: no refusal
    }

    /**
     * For the standby side of a bootstrap run: this member must be a standby.
     *
     * @throws IllegalStateException naming the member and its role otherwise
     */
    public void requireStandby(String what) {
        if (role != Role.STANDBY) {
            throw new IllegalStateException("member '" + config.memberName() + "' (database '" + config.database()
                    + "') is " + role + ", not a standby: cannot " + what + ". Only a standby is seeded by a bootstrap "
                    + "run");
        }
    }

    public String database() {
        return config.database();
    }

    /** Read-your-writes token on a primary (see {@link CaptureService#bookmark}): (epoch, commit id). */
    public ChainPosition bookmark(long timeoutMillis) throws InterruptedException {
        CaptureService capture = this.capture; // polls without the monitor: status and role changes stay free
        if (capture == null) {
            throw new IllegalStateException("database '" + config.database() + "' is a " + role
                    + "; ask the primary for a commit id");
        }
        return new ChainPosition(capture.epoch(), capture.bookmark(timeoutMillis));
    }

    /**
     * Blocks until the standby has applied {@code commitId} of {@code epoch} (-1: the standby's current epoch); throws
     * with the current lag on timeout.
     *
     * @param tx a transaction of the calling procedure, used once to read the watermark
     */
    public long awaitApplied(long epoch, long commitId, long timeoutMillis, Transaction tx) throws InterruptedException {
        initProgress(tx);
        if (!progress.await(epoch, commitId, timeoutMillis)) {
            ChainPosition applied = progress.position();
            throw new IllegalStateException("commit id " + commitId + (epoch < 0 ? "" : " of epoch " + epoch)
                    + " was not applied on this standby within " + timeoutMillis + " ms: applied up to " + applied
                    + " (last apply " + agoMillis(progress.appliedAtMillis()) + " ms ago). "
                    + "Check the sink applier's lag (/metrics) and retry or read from the primary");
        }
        return progress.appliedCommitId();
    }

    private void initProgress(Transaction tx) {
        if (progress.known()) {
            return;
        }
        Node w = tx.findNode(Label.label(WatermarkNode.LABEL), WatermarkNode.DATABASE, config.database());
        if (w == null) {
            progress.applied(0, 0, 0, 0);
        } else {
            progress.applied(num(w.getProperty(WatermarkNode.EPOCH, 0L)), num(w.getProperty(WatermarkNode.COMMIT_ID, 0L)),
                    num(w.getProperty(WatermarkNode.SOURCE_COMMIT_TIME_MILLIS, 0L)),
                    num(w.getProperty(WatermarkNode.APPLIED_AT_MILLIS, 0L)));
        }
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static long agoMillis(long at) {
        return at == 0 ? -1 : System.currentTimeMillis() - at;
    }

    /** Status for {@code ha4neo.status()} and metrics. */
    public CaptureStatus status(Transaction txOrNull) {
        CaptureService capture = this.capture; // no monitor: a role change waiting for stuck commits must not block it
        if (capture != null) {
            return capture.status().withFrozen(frozen);
        }
        if (txOrNull != null && role == Role.STANDBY) {
            initProgress(txOrNull);
        }
        long source = progress.sourceCommitTimeMillis();
        long appliedAt = progress.appliedAtMillis();
        return CaptureStatus.builder()
                .role(role.name().toLowerCase(Locale.ROOT))
                .database(config.database())
                .clusterId(config.clusterId())
                .epoch(role == Role.STANDBY ? progress.appliedEpoch() : epoch)
                .topic(config.topic())
                .publisherState(PublisherState.NOT_PUBLISHING.name())
                .lastCommittedId(lastCommittedId.getAsLong())
                .appliedCommitId(progress.appliedCommitId())
                .sourceCommitTimeMillis(source)
                .lastApplyTimeMillis(appliedAt)
                .applyDelayMillis(appliedAt == 0 || source == 0 ? 0 : Math.max(0, appliedAt - source))
                .frozen(frozen)
                .divergentTail(divergentTail)
                .build();
    }
}
