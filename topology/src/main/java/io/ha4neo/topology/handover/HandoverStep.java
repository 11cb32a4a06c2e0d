package io.ha4neo.topology.handover;

/**
 * One step of a switchover or failover, as it happened.
 *
 * @param step what was done: {@code probe}, {@code freeze}, {@code awaitCommit}, {@code promote}, {@code rejoin},
 *             {@code unfreeze} (a rollback) or {@code readLogTail}
 * @param member the member it was done on, or null (probe: all members; readLogTail: Kafka)
 * @param millis how long it took
 * @param ok whether it returned a result
 * @param detail what it returned, or why it failed
 */
public record HandoverStep(String step, String member, long millis, boolean ok, String detail) {
}
