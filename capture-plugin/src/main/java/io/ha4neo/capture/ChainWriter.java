package io.ha4neo.capture;

import io.ha4neo.capture.mapping.CapturedChanges;
import io.ha4neo.capture.spool.EventLog;
import io.ha4neo.capture.spool.SpoolRecordTooLargeException;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.contract.BootstrapRefusal;
import io.ha4neo.schemas.event.CaptureBaseline;
import io.ha4neo.schemas.event.CaptureGap;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.List;
import org.neo4j.logging.InternalLog;

/**
 * Turns the sequencer's ordered commits into the chain in the spool: an event per transaction with changes (linked
 * to the previous event), a mark per commit without, and a gap event for every range that cannot be captured. The
 * chain begins with the log's baseline (capture's first start on the database) or an epoch start (a promotion).
 *
 * <p>Never throws for one bad commit and never hangs on a broken spool: a commit whose event cannot be written
 * (disk full, an I/O error) is remembered, and the first write that succeeds again is preceded by a gap event for
 * every commit id that could not be spooled meanwhile. So capture continues, and no range is ever silently absent.
 * A transaction that cannot be encoded (over 2 GiB included) or is too large for the spool becomes a gap event for
 * its own commit id at once.
 *
 * <p>Threading: called only in commit order, by the sequencer's sink and stall check (under its lock) or at start-up
 * before anything is sequenced. {@link #chainHead()} may be read from any thread.
 */
final class ChainWriter {
    /** A committed transaction waiting for its place in the chain: its changes, or why they could not be captured. */
    record Pending(long commitTimeMillis, CapturedChanges changes, String failure) {
    }

    /** Where events come from: cluster, epoch and database written into every event. */
    record Origin(String clusterId, long epoch, String database) {
    }

    private final EventLog spool;
    private final EventCodec codec;
    private final GapLog gaps;
    private final Origin origin;
    private final InternalLog log;
    private volatile long chainHead;
    private long unspooledFrom;
    private String unspooledReason;

    ChainWriter(EventLog spool, EventCodec codec, GapLog gaps, Origin origin, InternalLog log) {
        this.spool = spool;
        this.codec = codec;
        this.gaps = gaps;
        this.origin = origin;
        this.log = log;
        this.chainHead = spool.lastEventId();
    }

    /** Commit id of the last event in the chain: the next event's previousCommitId. */
    long chainHead() {
        return chainHead;
    }

    /**
     * Starts the chain of a new epoch: the epoch start event, with this store's last commit id {@code baseline}, links
     * to {@code previousCommitId} of {@code start.previousEpoch()}, the handover point. Called once, on an empty spool,
     * before anything is sequenced.
     */
    void appendEpochStart(long baseline, long previousCommitId, io.ha4neo.schemas.event.EpochStart start)
            throws InterruptedException {
        TransactionEvent event = TransactionEvent.epochStartEvent(baseline, previousCommitId, System.currentTimeMillis(),
                origin.clusterId(), origin.epoch(), origin.database(), start);
        spool.append(baseline, previousCommitId, codec.encode(event));
        chainHead = baseline;
        log.info("ha4neo: epoch %d starts at this store's commit id %d, after (epoch %d, commit %d): %s by member '%s'",
                origin.epoch(), baseline, start.previousEpoch(), previousCommitId, start.reason(), start.member());
    }

    /**
     * Starts the log: the baseline event says that capture first started on this database after the store's commit id
     * {@code commitId}, on a store that held {@code baseline.content()}. Called once, on an empty spool and an empty
     * topic, before anything is sequenced; the first captured commit follows it in the chain.
     */
    void appendBaseline(long commitId, CaptureBaseline baseline) throws InterruptedException {
        TransactionEvent event = TransactionEvent.baselineEvent(commitId, System.currentTimeMillis(),
                origin.clusterId(), origin.epoch(), origin.database(), baseline);
        spool.append(commitId, 0, codec.encode(event));
        chainHead = commitId;
        if (baseline.storeHeldData()) {
            log.warn("ha4neo: capture starts on database '%s' for the first time, after commit id %d of epoch %d, on a "
                    + "store that already holds %s. None of it is in the log: every standby refuses to follow until "
                    + "it is seeded with `%s --standby <member>` (README, operations with the CLI)",
                    origin.database(), commitId, origin.epoch(), baseline.content(), BootstrapRefusal.COMMAND);
        } else {
            log.info("ha4neo: capture starts on database '%s' for the first time, after commit id %d of epoch %d, on a "
                    + "store without user data: the log's baseline, from which an empty standby can follow",
                    origin.database(), commitId, origin.epoch());
        }
    }

    /** Continues the chain after {@code commitId} (the topic's last record, when the spool lost its tail). */
    void continueAfter(long commitId) {
        chainHead = commitId;
    }

    /** The sequencer's sink: one commit, in commit order; {@code pending} null means nothing to replicate. */
    void append(long commitId, Pending pending) throws InterruptedException {
        try {
            if (pending == null) {
                spool.mark(commitId);
                return;
            }
            reportUnspooledBefore(commitId);
            if (pending.failure() != null) {
                appendGap(commitId, commitId, pending.failure());
                return;
            }
            List<byte[]> records = encodeOrNull(commitId, pending);
            if (records != null) {
                spoolOrGap(commitId, records);
            }
        } catch (RuntimeException e) {
            unspooled(commitId, pending, e);
        }
    }

    /** A transaction too large for the spool is this commit's fault, not the spool's: a gap for it now. */
    private void spoolOrGap(long commitId, List<byte[]> records) throws InterruptedException {
        try {
            spool.append(commitId, chainHead, records);
            chainHead = commitId;
        } catch (SpoolRecordTooLargeException e) {
            appendGap(commitId, commitId, "cannot spool the transaction: " + e.getMessage());
        }
    }

    private List<byte[]> encodeOrNull(long commitId, Pending pending) throws InterruptedException {
        try {
            TransactionEvent event = pending.changes().toEvent(commitId, chainHead, pending.commitTimeMillis(),
                    origin.clusterId(), origin.epoch(), origin.database());
            return codec.encode(event);
        } catch (RuntimeException e) {
            appendGap(commitId, commitId, "cannot encode the transaction: " + e.getMessage());
            return null;
        } catch (OutOfMemoryError e) {
            // An event whose encoding exceeds what a Java array can hold (over 2 GiB) fails inside the JDK's buffers
            // with this Error ("Required array length ... is too large", "Requested array size exceeds VM limit"),
            // not with an exception. It is this commit's allocation that failed, before anything was spooled, and
            // its partial buffers are garbage now, so the commit becomes a gap event like any other encode failure
            // and capture continues with the next one. A genuine heap exhaustion while encoding is treated the same
            // way for the same reason. This is the only place in capture that catches OutOfMemoryError.
            appendGap(commitId, commitId, "cannot encode the transaction: its encoding does not fit in a Java "
                    + "array or in the heap (" + e + ")");
            return null;
        }
    }

    /**
     * Puts a repair event for {@code repair}'s range into the chain: the range's commits rebuilt from Neo4j's
     * transaction log and the store (docs/txlog-repair.md). It links like any commit; standbys apply it atomically with
     * their watermark and go on.
     */
    void appendRepair(io.ha4neo.capture.repair.RepairContent repair, String reason) throws InterruptedException {
        TransactionEvent event = TransactionEvent.repairEvent(chainHead, System.currentTimeMillis(), origin.clusterId(),
                origin.epoch(), origin.database(),
                new io.ha4neo.schemas.event.RepairMark(repair.first(), repair.last(), repair.transactions(), reason),
                repair.nodeImages(), repair.relationshipImages(), repair.deletedNodes(),
                repair.deletedRelationships());
        spool.append(repair.last(), chainHead, codec.encode(event));
        chainHead = repair.last();
    }

    /**
     * Puts a gap event for commit ids {@code first..last} into the chain, so every standby stops there naming the
     * range, and records it (ERROR log, gaps.log, status, metric).
     */
    void appendGap(long first, long last, String reason) throws InterruptedException {
        GapLog.Gap g = record(first, last, reason);
        log.error("ha4neo: %s. A gap event is published in its place: every standby stops there and names the "
                + "range; re-bootstrap the standbys, or accept the loss with the applier's skip.commit.id=%d "
                + "(see README, operations)", g == null ? "commit ids " + first + ".." + last + ": " + reason : g, last);
        TransactionEvent event = TransactionEvent.gapEvent(chainHead, System.currentTimeMillis(), origin.clusterId(),
                origin.epoch(), origin.database(), new CaptureGap(first, last, reason));
        spool.append(last, chainHead, codec.encode(event));
        chainHead = last;
    }

    /**
     * The sequencer's gap listener. A stalled range comes in order (before the ids that follow it), so it becomes a
     * gap event. A callback arriving after its id was given up is already covered by that gap event: only logged.
     */
    void sequencerGap(long first, long last, String reason) {
        if (first <= spool.lastSequencedId()) {
            log.error("ha4neo: commit ids %d..%d: %s; already reported as a gap", first, last, reason);
            return;
        }
        try {
            reportUnspooledBefore(first);
            appendGap(first, last, reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("ha4neo: commit ids %d..%d: %s; interrupted before the gap event was spooled", first, last,
                    reason);
        } catch (RuntimeException e) {
            unspooled(first, null, e);
        }
    }

    /** Commit ids that could not be spooled are announced by a gap event before the next one that can be. */
    private void reportUnspooledBefore(long commitId) throws InterruptedException {
        if (unspooledFrom > 0 && unspooledFrom < commitId) {
            appendGap(unspooledFrom, commitId - 1, "could not be written to the spool: " + unspooledReason);
            log.info("ha4neo: the spool accepts writes again from commit id %d on", commitId);
        }
        unspooledFrom = 0;
    }

    private void unspooled(long commitId, Pending pending, RuntimeException e) {
        if (pending == null) {
            // A mark that failed loses no data: the next successful write accounts for its id again.
            log.warn("ha4neo: could not record commit id %d (no replicable changes) in the spool: %s", commitId, e);
            return;
        }
        if (unspooledFrom == 0) {
            unspooledFrom = commitId;
            unspooledReason = e.toString();
            log.error("ha4neo: commit id %d could not be written to the spool (%s). Capture continues: commits the "
                    + "spool cannot take are published as one gap event once it accepts writes again; free disk "
                    + "space or fix the spool directory", commitId, e);
        }
    }

    private GapLog.Gap record(long first, long last, String reason) {
        try {
            return gaps.record(first, last, reason);
        } catch (RuntimeException e) {
            log.error("ha4neo: cannot record commit ids %d..%d in the gap log: %s", first, last, e);
            return null;
        }
    }
}
