package io.ha4neo.topology.handover;

/**
 * The seam to the replication log: its last event, as a standby's applier sees it (committed transactions only).
 * {@link KafkaLogTail} reads it from the topic; unit tests simulate a log that a stray primary keeps writing to.
 */
@FunctionalInterface
public interface LogTail {
    /**
     * The log's last event, {@link LastEvent#EMPTY_LOG} when it has none.
     *
     * @throws LogTailUnavailable when Kafka cannot be asked or the last record cannot be decoded
     */
    LastEvent read();

    /** The log's last event is unknown: Kafka did not answer, or its last record is not an event. */
    final class LogTailUnavailable extends RuntimeException {
        public LogTailUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
