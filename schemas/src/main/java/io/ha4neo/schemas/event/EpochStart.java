package io.ha4neo.schemas.event;

import java.util.Objects;

/**
 * The start of an epoch: a member was promoted to primary (switchover or failover). It travels as the first event of
 * the new epoch ({@link TransactionEvent#epochStart()}), whose {@code commitId} is the promoted store's last commit id
 * at promotion and whose {@code previousCommitId} is the last commit of {@link #previousEpoch} that the promoted
 * member had applied: the link that makes the log one chain across handovers. Commit ids of different epochs come
 * from different stores and are never compared as numbers.
 *
 * @param previousEpoch the epoch this one follows, less than the event's epoch
 * @param member name of the promoted member, for operators
 * @param reason why the epoch started ({@code switchover} or {@code failover}, with a note)
 */
public record EpochStart(long previousEpoch, String member, String reason) {
    public EpochStart {
        if (previousEpoch < 0) {
            throw new IllegalArgumentException("previousEpoch must not be negative, was " + previousEpoch);
        }
        member = Objects.requireNonNull(member, "member");
        reason = Objects.requireNonNull(reason, "reason");
    }
}
