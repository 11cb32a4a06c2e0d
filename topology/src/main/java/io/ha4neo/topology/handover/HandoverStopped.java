package io.ha4neo.topology.handover;

/**
 * Ends a switchover or failover before its last step, carrying the report of how far it got. Control flow inside
 * this package only: it never leaves {@code run()}.
 */
final class HandoverStopped extends RuntimeException {
    private final transient HandoverReport report;

    HandoverStopped(HandoverReport report) {
        super(report.error(), null, false, false);
        this.report = report;
    }

    HandoverReport report() {
        return report;
    }
}
