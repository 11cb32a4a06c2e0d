package io.ha4neo.applier.standby;

/**
 * The audit record of an operator skip, {@code (:_ha4neo_SkippedCommit {commitId, skippedAtMillis, reason})},
 * written in the same standby transaction as the watermark that passes over it.
 *
 * @param commitId the skipped commit id
 * @param skippedAtMillis when
 * @param reason why (operator setting, and the decode error if the record was unreadable)
 */
public record SkippedCommit(long commitId, long skippedAtMillis, String reason) {
}
