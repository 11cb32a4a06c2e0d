package io.ha4neo.capture.status;

import java.util.List;

/**
 * A snapshot of one database's replication state as seen by the plugin, served by {@code ha4neo.status()}
 * and the metrics endpoint.
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
 */
public record CaptureStatus(String role, String database, String clusterId, long epoch, String durability,
                            String topic, String publisherState, long lastCommittedId, long lastCapturedId,
                            long lastSpooledId, long lastPublishedId, long spoolBytes, long spoolBlockedMillis,
                            boolean semiSyncFallback, List<String> gaps, String lastError, long appliedCommitId,
                            long sourceCommitTimeMillis, long lastApplyTimeMillis, long applyDelayMillis) {
}
