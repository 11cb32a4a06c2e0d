package io.ha4neo.schemas.contract;

/**
 * States of the plugin's publisher thread, reported in {@link StatusColumns#PUBLISHER_STATE} by name. The
 * plugin's publisher owns the transitions; readers (launcher, ops CLI, tests, benchmark) compare names.
 */
public enum PublisherState {
    /** Opening the producer, checking the topic, reading its tail. */
    CONNECTING,
    /** Events flow from the spool to Kafka. */
    PUBLISHING,
    /** Kafka cannot be reached; retried with back-off, commits continue into the spool. */
    KAFKA_UNAVAILABLE,
    /** The topic exists with a configuration the log cannot live with; retried slowly. */
    MISCONFIGURED,
    /** Another producer took over the transactional id (a newer primary), or authorization failed. */
    FENCED,
    /**
     * The log holds a newer epoch than this primary's: another member was promoted. Publishing stopped for good; the
     * member turns into a standby of the new primary, or FENCED when it holds commits the log does not.
     */
    SUPERSEDED,
    /** The topic holds history this store does not have; publishing stopped. */
    DIVERGED,
    /** The publisher thread ended. */
    STOPPED,
    /** This member is a standby: it has no publisher. */
    NOT_PUBLISHING
}
