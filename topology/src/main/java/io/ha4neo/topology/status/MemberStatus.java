package io.ha4neo.topology.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

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
 * @param role {@code primary} or {@code standby}
 * @param clusterId the cluster id the member's plugin is configured with
 * @param topic the topic the member's plugin is configured with
 * @param epoch the member's epoch
 * @param publisherState the publisher's state ({@code PublisherState} name; {@code NOT_PUBLISHING} on a standby)
 * @param lastCommittedId Neo4j's last committed transaction id on the member
 * @param lastSpooledId primary: commit id of its last replicated event (what a caught-up standby reaches)
 * @param lastPublishedId primary: commit id of the last event Kafka acknowledged
 * @param gaps primary: commit-id ranges that were never captured
 * @param lastError primary: the publisher's last error, or null
 * @param appliedCommitId standby: origin commit id of the last applied transaction
 * @param applyDelayMs standby: apply time minus origin commit time of that transaction
 * @param lagCommits standby: the primary's last replicated commit id minus the applied one (an upper bound on
 *                   transactions behind, 0 when caught up); null without exactly one reachable primary
 * @param applier standby: its applier's HTTP status, null when the cluster file names no applier URL
 */
public record MemberStatus(String name, String zone, String bolt, boolean reachable, String error, String role,
                           String clusterId, String topic, Long epoch, String publisherState, Long lastCommittedId,
                           Long lastSpooledId, Long lastPublishedId, List<String> gaps, String lastError,
                           Long appliedCommitId, Long applyDelayMs, Long lagCommits, ApplierStatus applier) {

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

    /** This status with the standby's lag against {@code primaryLastEventId} (null: unknown). */
    MemberStatus withLag(Long primaryLastEventId) {
        Long lag = !isStandby() || primaryLastEventId == null || appliedCommitId == null ? null
                : Math.max(0, primaryLastEventId - appliedCommitId);
        return new MemberStatus(name, zone, bolt, reachable, error, role, clusterId, topic, epoch, publisherState,
                lastCommittedId, lastSpooledId, lastPublishedId, gaps, lastError, appliedCommitId, applyDelayMs, lag,
                applier);
    }
}
