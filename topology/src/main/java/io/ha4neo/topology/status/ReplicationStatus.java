package io.ha4neo.topology.status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One snapshot of replication state, as far as it could be observed. Every field is null when its source was not
 * reachable or does not exist yet; {@link #notes()} says why, in words.
 *
 * @param primaryLastCommittedId last commit id of the primary ({@code ha4neo.status()}); Neo4j offers no other way
 * @param primaryLastPublishedId last commit id the primary's plugin published to Kafka
 * @param primarySpoolDepth commits waiting in the plugin's spool
 * @param semiSyncFallback true when semi-sync durability has fallen back to async
 * @param standbyAppliedCommitId the standby watermark's commit id
 * @param standbySourceCommitTimeMillis the primary's commit time of that commit
 * @param standbyAppliedAtMillis when the standby applied it
 * @param standbyOffset the topic offset of that commit's last record
 * @param topicEndOffset the replication topic's end offset (records written so far)
 * @param notes why some fields are null
 */
public record ReplicationStatus(Long primaryLastCommittedId, Long primaryLastPublishedId, Long primarySpoolDepth,
                                Boolean semiSyncFallback, Long standbyAppliedCommitId,
                                Long standbySourceCommitTimeMillis, Long standbyAppliedAtMillis, Long standbyOffset,
                                Long topicEndOffset, List<String> notes) {

    /** Commits the standby is behind the primary, or null when either side is unknown. */
    public Long lagCommits() {
        if (primaryLastCommittedId == null || standbyAppliedCommitId == null) {
            return null;
        }
        return Math.max(0, primaryLastCommittedId - standbyAppliedCommitId);
    }

    /** Topic records not yet applied (end offset minus the next offset to apply), or null when unknown. */
    public Long lagRecords() {
        if (topicEndOffset == null) {
            return null;
        }
        long nextToApply = standbyOffset == null ? 0 : standbyOffset + 1;
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
        m.put("primaryLastCommittedId", primaryLastCommittedId);
        m.put("primaryLastPublishedId", primaryLastPublishedId);
        m.put("primarySpoolDepth", primarySpoolDepth);
        m.put("semiSyncFallback", semiSyncFallback);
        m.put("standbyAppliedCommitId", standbyAppliedCommitId);
        m.put("standbySourceCommitTimeMillis", standbySourceCommitTimeMillis);
        m.put("standbyAppliedAtMillis", standbyAppliedAtMillis);
        m.put("standbyOffset", standbyOffset);
        m.put("topicEndOffset", topicEndOffset);
        m.put("lagCommits", lagCommits());
        m.put("lagRecords", lagRecords());
        m.put("lastApplyDelayMillis", lastApplyDelayMillis());
        m.put("notes", notes);
        return m;
    }

    /** One human-readable line, e.g. for the launcher's live display. */
    public String toLine() {
        return "primary commit " + orDash(primaryLastCommittedId) + " | published " + orDash(primaryLastPublishedId)
                + " | topic end " + orDash(topicEndOffset) + " | standby applied " + orDash(standbyAppliedCommitId)
                + " (offset " + orDash(standbyOffset) + ") | lag " + orDash(lagCommits()) + " commits, "
                + orDash(lagRecords()) + " records";
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }
}
