package io.ha4neo.capture.status;

import java.util.List;

/**
 * A snapshot of one database's replication state as seen by the plugin, served by {@code ha4neo.status()}
 * and the metrics endpoint. Built with named fields; a field that does not apply to the member's role keeps
 * its neutral value (empty string, 0, false, no gaps):
 *
 * <pre>{@code
 * CaptureStatus.builder().role("standby").database("neo4j").appliedCommitId(42).build();
 * }</pre>
 *
 * @param role primary or standby
 * @param database captured database
 * @param clusterId replication cluster
 * @param epoch primary epoch
 * @param durability async or semi-sync (empty on a standby)
 * @param topic Kafka topic
 * @param publisherState state of the publisher thread
 * @param lastCommittedId Neo4j's last committed transaction id
 * @param lastCapturedId highest commit id placed in order (captured or skipped)
 * @param lastSpooledId commit id of the last event written to the spool
 * @param lastPublishedId commit id of the last event Kafka acknowledged
 * @param spoolBytes bytes of spooled events not yet entirely published
 * @param spoolBlockedMillis how long commits have been blocked by a full spool, 0 when not blocked
 * @param semiSyncFallback true while semi-sync has fallen back to async
 * @param gaps detected commit-id ranges that were not captured
 * @param lastError the publisher's last error, empty if none
 * @param appliedCommitId on a standby: origin commit id of the last applied transaction (its watermark)
 * @param sourceCommitTimeMillis on a standby: origin commit time of that transaction
 * @param lastApplyTimeMillis on a standby: when that transaction was applied here
 * @param applyDelayMillis on a standby: apply time minus origin commit time of the last applied transaction
 * @param frozen on a primary: client writes are frozen for a switchover
 * @param divergentTail on a FENCED member: the commits this store has that the log does not, one line each
 * @param repairs on a primary: the commit-id ranges repaired from Neo4j's transaction log since start-up, one line each
 */
public record CaptureStatus(String role, String database, String clusterId, long epoch, String durability,
                            String topic, String publisherState, long lastCommittedId, long lastCapturedId,
                            long lastSpooledId, long lastPublishedId, long spoolBytes, long spoolBlockedMillis,
                            boolean semiSyncFallback, List<String> gaps, String lastError, long appliedCommitId,
                            long sourceCommitTimeMillis, long lastApplyTimeMillis, long applyDelayMillis,
                            boolean frozen, List<String> divergentTail, List<String> repairs) {
    /** A builder with every field at its neutral value. */
    /** This status with {@code frozen} replaced. */
    public CaptureStatus withFrozen(boolean frozen) {
        return new CaptureStatus(role, database, clusterId, epoch, durability, topic, publisherState, lastCommittedId,
                lastCapturedId, lastSpooledId, lastPublishedId, spoolBytes, spoolBlockedMillis, semiSyncFallback, gaps,
                lastError, appliedCommitId, sourceCommitTimeMillis, lastApplyTimeMillis, applyDelayMillis, frozen,
                divergentTail, repairs);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Names every field of a {@link CaptureStatus}; unset fields keep their neutral value. */
    public static final class Builder {
        private String role = "";
        private String database = "";
        private String clusterId = "";
        private long epoch;
        private String durability = "";
        private String topic = "";
        private String publisherState = "";
        private long lastCommittedId;
        private long lastCapturedId;
        private long lastSpooledId;
        private long lastPublishedId;
        private long spoolBytes;
        private long spoolBlockedMillis;
        private boolean semiSyncFallback;
        private List<String> gaps = List.of();
        private String lastError = "";
        private long appliedCommitId;
        private long sourceCommitTimeMillis;
        private long lastApplyTimeMillis;
        private long applyDelayMillis;
        private boolean frozen;
        private List<String> divergentTail = List.of();
        private List<String> repairs = List.of();

        private Builder() {
        }

        public Builder role(String role) {
            this.role = role;
            return this;
        }

        public Builder database(String database) {
            this.database = database;
            return this;
        }

        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        public Builder epoch(long epoch) {
            this.epoch = epoch;
            return this;
        }

        public Builder durability(String durability) {
            this.durability = durability;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder publisherState(String publisherState) {
            this.publisherState = publisherState;
            return this;
        }

        public Builder lastCommittedId(long lastCommittedId) {
            this.lastCommittedId = lastCommittedId;
            return this;
        }

        public Builder lastCapturedId(long lastCapturedId) {
            this.lastCapturedId = lastCapturedId;
            return this;
        }

        public Builder lastSpooledId(long lastSpooledId) {
            this.lastSpooledId = lastSpooledId;
            return this;
        }

        public Builder lastPublishedId(long lastPublishedId) {
            this.lastPublishedId = lastPublishedId;
            return this;
        }

        public Builder spoolBytes(long spoolBytes) {
            this.spoolBytes = spoolBytes;
            return this;
        }

        public Builder spoolBlockedMillis(long spoolBlockedMillis) {
            this.spoolBlockedMillis = spoolBlockedMillis;
            return this;
        }

        public Builder semiSyncFallback(boolean semiSyncFallback) {
            this.semiSyncFallback = semiSyncFallback;
            return this;
        }

        public Builder gaps(List<String> gaps) {
            this.gaps = gaps;
            return this;
        }

        public Builder lastError(String lastError) {
            this.lastError = lastError;
            return this;
        }

        public Builder appliedCommitId(long appliedCommitId) {
            this.appliedCommitId = appliedCommitId;
            return this;
        }

        public Builder sourceCommitTimeMillis(long sourceCommitTimeMillis) {
            this.sourceCommitTimeMillis = sourceCommitTimeMillis;
            return this;
        }

        public Builder lastApplyTimeMillis(long lastApplyTimeMillis) {
            this.lastApplyTimeMillis = lastApplyTimeMillis;
            return this;
        }

        public Builder frozen(boolean frozen) {
            this.frozen = frozen;
            return this;
        }

        public Builder repairs(List<String> repairs) {
            this.repairs = List.copyOf(repairs);
            return this;
        }

        public Builder divergentTail(List<String> divergentTail) {
            this.divergentTail = List.copyOf(divergentTail);
            return this;
        }

        public Builder applyDelayMillis(long applyDelayMillis) {
            this.applyDelayMillis = applyDelayMillis;
            return this;
        }

        public CaptureStatus build() {
            return new CaptureStatus(role, database, clusterId, epoch, durability, topic, publisherState,
                    lastCommittedId, lastCapturedId, lastSpooledId, lastPublishedId, spoolBytes, spoolBlockedMillis,
                    semiSyncFallback, gaps, lastError, appliedCommitId, sourceCommitTimeMillis, lastApplyTimeMillis,
                    applyDelayMillis, frozen, divergentTail, repairs);
        }
    }
}
