package io.ha4neo.applier.observe;

import java.util.EnumSet;
import java.util.Set;

/**
 * The applier's lifecycle. Transitions outside {@link #allowedNext()} are programming errors.
 *
 * <pre>
 * STARTING ──► POSITIONING ──► APPLYING ◄──► CAUGHT_UP
 *     │             ▲   │          │             │
 *     └────► RETRYING ◄─┴──────────┴─────────────┘      any ──► FAILED | STOPPED
 *
 * STARTING | POSITIONING | APPLYING | CAUGHT_UP | RETRYING ──► PAUSED ──► STARTING | POSITIONING | RETRYING
 *          (the member's role is primary or fenced)                 (a standby again, or the role check failed)
 *
 * POSITIONING | APPLYING | CAUGHT_UP ──► HELD ──► POSITIONING | PAUSED        (at the end of apply.until.*)
 *
 * STARTING | POSITIONING | APPLYING | CAUGHT_UP | RETRYING | PAUSED ──► PASSIVE ──► STARTING | POSITIONING | RETRYING | PAUSED
 *          (the group gave the partition to another applier of this standby)   (it gave it to this one)
 * </pre>
 *
 * PAUSED and RETRYING go back through STARTING or POSITIONING, so the consumer is always re-positioned from the
 * watermark before anything is applied again.
 */
public enum ApplierState {
    /** Connecting, creating the reserved constraints. */
    STARTING,
    /** Reading the watermark and seeking the consumer (start, rebalance, after a retry or a pause). */
    POSITIONING,
    /** Applying batches; the topic has more records than applied. */
    APPLYING,
    /** Everything in the topic is applied. */
    CAUGHT_UP,
    /** Waiting out a retriable error before re-positioning. */
    RETRYING,
    /**
     * The member is not a standby (it is the primary, or fenced): nothing is applied and nothing new is consumed (the
     * partition is paused, the consumer stays in its group) until its role is {@code standby} again.
     */
    PAUSED,
    /**
     * Another applier of this standby (the same consumer group) holds the topic's partition: this one applies nothing,
     * and takes over, positioned from the watermark, when the group gives the partition to it (the other one stopped
     * or died).
     */
    PASSIVE,
    /**
     * At the end of its point-in-time window ({@code apply.until.*}): everything up to it is applied, nothing after it
     * is, and nothing new is consumed, until the applier is restarted without the window.
     */
    HELD,
    /** Stopped on a fatal error; the process exits non-zero. */
    FAILED,
    /** Stopped on request (SIGTERM); exits 0. */
    STOPPED;

    /** States this one may move to. */
    public Set<ApplierState> allowedNext() {
        return switch (this) {
            case STARTING -> EnumSet.of(POSITIONING, RETRYING, PAUSED, PASSIVE, FAILED, STOPPED);
            case POSITIONING -> EnumSet.of(APPLYING, CAUGHT_UP, RETRYING, PAUSED, HELD, PASSIVE, FAILED, STOPPED);
            case APPLYING, CAUGHT_UP -> EnumSet.of(APPLYING, CAUGHT_UP, POSITIONING, RETRYING, PAUSED, HELD, PASSIVE,
                    FAILED, STOPPED);
            case HELD -> EnumSet.of(HELD, POSITIONING, PAUSED, PASSIVE, FAILED, STOPPED);
            case RETRYING -> EnumSet.of(STARTING, POSITIONING, RETRYING, PAUSED, PASSIVE, FAILED, STOPPED);
            case PAUSED -> EnumSet.of(STARTING, POSITIONING, RETRYING, PASSIVE, FAILED, STOPPED);
            case PASSIVE -> EnumSet.of(PASSIVE, STARTING, POSITIONING, RETRYING, PAUSED, FAILED, STOPPED);
            case FAILED, STOPPED -> EnumSet.noneOf(ApplierState.class);
        };
    }

    /** True while the applier is positioned and connected to both Kafka and Neo4j. */
    public boolean isConnected() {
        return this == APPLYING || this == CAUGHT_UP;
    }
}
