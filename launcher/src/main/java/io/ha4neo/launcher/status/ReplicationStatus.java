package io.ha4neo.launcher.status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One snapshot of replication state, as far as it could be observed. Every field is null when its source was not
 * reachable or does not exist yet; {@link #notes()} says why, in words. Roles move (switchover, failover), so the
 * snapshot names the members that had them when it was taken.
 *
 * @param primary the member that accepted writes (primary, not frozen), or null when none did
 * @param standby the member that was its standby, or null
 * @param primaryEpoch the epoch the primary publishes under
 * @param standbyEpoch the epoch of the standby's last applied event (its watermark)
 * @param primaryLastCommittedId last commit id of the primary ({@code ha4neo.status()}); Neo4j offers no other way
 * @param primaryLastPublishedId last commit id the primary's plugin published to Kafka
 * @param primaryLastEventId commit id of the primary's last replicated event (its last spooled event); token and
 *                           schema-less transactions have no event, so this, not the last committed id, is what a
 *                           caught-up standby reaches
 * @param primarySpoolBytes bytes of events in the plugin's spool not yet published
 * @param semiSyncFallback true when semi-sync durability has fallen back to async
 * @param standbyAppliedCommitId the standby watermark's commit id
 * @param standbySourceCommitTimeMillis the primary's commit time of that commit
 * @param standbyAppliedAtMillis when the standby applied it
 * @param standbyOffset the topic offset of that commit's last record
 * @param topicEndOffset the replication topic's end offset (records written so far)
 * @param applierGroupOffset the offset the applier's consumer group committed (what lag tools see)
 * @param notes why some fields are null
 */
public record ReplicationStatus(String primary, String standby, Long primaryEpoch, Long standbyEpoch,
                                Long primaryLastCommittedId, Long primaryLastPublishedId, Long primaryLastEventId,
                                Long primarySpoolBytes, Boolean semiSyncFallback, Long standbyAppliedCommitId,
                                Long standbySourceCommitTimeMillis, Long standbyAppliedAtMillis, Long standbyOffset,
                                Long topicEndOffset, Long applierGroupOffset, List<String> notes) {

    /**
     * Commit ids the standby is behind the primary's last replicated event, or null when either side is unknown.
     * Commit ids are not contiguous (transactions without data have none in the log), so this is an upper bound on
     * the number of transactions behind; 0 means caught up. Commit ids of different epochs come from different stores:
     * a standby that has not reached the primary's epoch yet (right after a switchover) has no lag in commits.
     */
    public Long lagCommits() {
        Long primaryId = primaryLastEventId != null ? primaryLastEventId : primaryLastCommittedId;
        if (primaryId == null || standbyAppliedCommitId == null) {
            return null;
        }
        if (primaryEpoch != null && standbyEpoch != null && !primaryEpoch.equals(standbyEpoch)) {
            return null;
        }
        return Math.max(0, primaryId - standbyAppliedCommitId);
    }

    /**
     * Topic records not yet consumed by the applier, or null when unknown: the end offset minus the applier group's
     * committed offset (the applier commits its position when caught up, past Kafka's transaction markers), or minus
     * the offset after the watermark when the group has not committed yet.
     */
    public Long lagRecords() {
        if (topicEndOffset == null) {
            return null;
        }
        long nextToApply = standbyOffset == null ? 0 : standbyOffset + 1;
        if (applierGroupOffset != null) {
            nextToApply = Math.max(nextToApply, applierGroupOffset);
        }
        return Math.max(0, topicEndOffset - nextToApply);
    }

    /** Delay between the primary's commit and the standby's apply of the last applied commit, or null. */
    public Long lastApplyDelayMillis() {
        if (standbySourceCommitTimeMillis == null || standbyAppliedAtMillis == null) {
            return null;
        }
        return standbyAppliedAtMillis - standbySourceCommitTimeMillis;
    }

    /** The fields as an ordered map, for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("primary", primary);
        m.put("standby", standby);
        m.put("primaryEpoch", primaryEpoch);
        m.put("standbyEpoch", standbyEpoch);
        m.put("primaryLastCommittedId", primaryLastCommittedId);
        m.put("primaryLastPublishedId", primaryLastPublishedId);
        m.put("primaryLastEventId", primaryLastEventId);
        m.put("primarySpoolBytes", primarySpoolBytes);
        m.put(io.ha4neo.schemas.contract.StatusColumns.SEMI_SYNC_FALLBACK, semiSyncFallback);
        m.put("standbyAppliedCommitId", standbyAppliedCommitId);
        m.put("standbySourceCommitTimeMillis", standbySourceCommitTimeMillis);
        m.put("standbyAppliedAtMillis", standbyAppliedAtMillis);
        m.put("standbyOffset", standbyOffset);
        m.put("topicEndOffset", topicEndOffset);
        m.put("applierGroupOffset", applierGroupOffset);
        m.put("lagCommits", lagCommits());
        m.put("lagRecords", lagRecords());
        m.put("lastApplyDelayMillis", lastApplyDelayMillis());
        m.put("notes", notes);
        return m;
    }

    /** One human-readable line, e.g. for the launcher's live display. */
    public String toLine() {
        return "primary " + orDash(primary) + " commit " + orDash(primaryLastCommittedId) + " | published "
                + orDash(primaryLastPublishedId) + " | topic end " + orDash(topicEndOffset) + " | standby "
                + orDash(standby) + " applied " + orDash(standbyAppliedCommitId)
                + " (offset " + orDash(standbyOffset) + ") | lag " + orDash(lagCommits()) + " commits, "
                + orDash(lagRecords()) + " records";
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }
}
