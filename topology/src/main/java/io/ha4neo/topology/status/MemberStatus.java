package io.ha4neo.topology.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Optional;

/**
 * One member as its own {@code CALL ha4neo.status()} describes it. Primary-only fields are null on a standby and
 * standby-only fields are null on a primary; every field but the first four is null when the member could not be
 * asked.
 *
 * @param name the member's name in the cluster file
 * @param zone its zone ("" when not given)
 * @param bolt its Bolt address
 * @param reachable whether its Bolt port answered
 * @param error why the status is missing (unreachable, authentication, no plugin), or null
 * @param role {@code primary}, {@code standby} or {@code fenced} ({@code Role}, lower case)
 * @param clusterId the cluster id the member's plugin is configured with
 * @param topic the topic the member's plugin is configured with
 * @param epoch the member's epoch: on a primary the one it publishes under, otherwise that of its last applied event
 * @param frozen primary: true while a switchover has frozen client writes ({@code ha4neo.freeze}); null when the
 *               member's plugin does not report it
 * @param publisherState the publisher's state ({@code PublisherState} name; {@code NOT_PUBLISHING} on a standby)
 * @param lastCommittedId Neo4j's last committed transaction id on the member
 * @param lastSpooledId primary: commit id of its last replicated event (what a caught-up standby reaches)
 * @param lastPublishedId primary: commit id of the last event Kafka acknowledged
 * @param gaps primary: commit-id ranges that were never captured
 * @param lastError primary: the publisher's last error, or null
 * @param divergentTail fenced: the commits this store has that the log does not, one line each; empty otherwise
 * @param appliedCommitId standby: origin commit id of the last applied transaction
 * @param applyDelayMs standby: apply time minus origin commit time of that transaction
 * @param lagCommits standby: the primary's last replicated commit id minus the applied one (an upper bound on
 *                   transactions behind, 0 when caught up); null without exactly one primary that accepts writes,
 *                   or while the standby has not reached that primary's epoch
 * @param applier standby: its applier's HTTP status, null when the cluster file names no applier URL
 */
public record MemberStatus(String name, String zone, String bolt, boolean reachable, String error, String role,
                           String clusterId, String topic, Long epoch, Boolean frozen, String publisherState,
                           Long lastCommittedId, Long lastSpooledId, Long lastPublishedId, List<String> gaps,
                           String lastError, List<String> divergentTail, Long appliedCommitId, Long applyDelayMs,
                           Long lagCommits, ApplierStatus applier) {

    /** True when the member answered and calls itself primary. */
    @JsonIgnore
    public boolean isPrimary() {
        return "primary".equals(role);
    }

    /** True when the member answered and calls itself standby. */
    @JsonIgnore
    public boolean isStandby() {
        return "standby".equals(role);
    }

    /** True when the member answered and calls itself fenced: a former primary with a divergent tail. */
    @JsonIgnore
    public boolean isFenced() {
        return "fenced".equals(role);
    }

    /** True when the member is a primary whose client writes are frozen by a switchover. */
    @JsonIgnore
    public boolean isFrozenPrimary() {
        return isPrimary() && Boolean.TRUE.equals(frozen);
    }

    /**
     * True when the member is the primary clients should write to: primary and not frozen. During a switchover both
     * the old, frozen primary and the promoted member report {@code primary} for a moment; only the second accepts
     * writes.
     */
    @JsonIgnore
    public boolean acceptsWrites() {
        return isPrimary() && !Boolean.TRUE.equals(frozen);
    }

    /**
     * The member clients should write to now: the primary that {@linkplain #acceptsWrites() accepts writes}; of
     * several (a failover forced past a primary that still runs), the one of the latest epoch. Empty when there is
     * none, or when two share the latest epoch (a split brain: no answer is right).
     */
    public static Optional<MemberStatus> writablePrimary(List<MemberStatus> members) {
        List<MemberStatus> writable = members.stream().filter(MemberStatus::acceptsWrites).toList();
        long latest = writable.stream().mapToLong(m -> m.epoch() == null ? -1 : m.epoch()).max().orElse(-1);
        List<MemberStatus> newest = writable.stream().filter(m -> (m.epoch() == null ? -1 : m.epoch()) == latest)
                .toList();
        return newest.size() == 1 ? Optional.of(newest.get(0)) : Optional.empty();
    }

    /**
     * This status with the standby's lag against the primary's last event, {@code primaryLastEventId} of
     * {@code primaryEpoch} (null: unknown). Commit ids of different epochs come from different stores, so a standby
     * that has not reached the primary's epoch yet has no lag in commits (null), only a lag in records.
     */
    MemberStatus withLag(Long primaryEpoch, Long primaryLastEventId) {
        boolean comparable = isStandby() && primaryLastEventId != null && appliedCommitId != null
                && primaryEpoch != null && primaryEpoch.equals(epoch);
        Long lag = comparable ? Math.max(0, primaryLastEventId - appliedCommitId) : null;
        return new MemberStatus(name, zone, bolt, reachable, error, role, clusterId, topic, epoch, frozen,
                publisherState, lastCommittedId, lastSpooledId, lastPublishedId, gaps, lastError, divergentTail,
                appliedCommitId, applyDelayMs, lag, applier);
    }
}
