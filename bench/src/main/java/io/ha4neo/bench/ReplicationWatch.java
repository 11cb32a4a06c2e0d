package io.ha4neo.bench;

import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.Logs;
import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/** Reads replication progress: the primary's {@code ha4neo.status()}, bookmarks, and the standby's applied id. */
final class ReplicationWatch {
    private ReplicationWatch() {
    }

    static Record status(Driver primary) {
        try (Session s = primary.session()) {
            return s.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
        }
    }

    /** {@code ha4neo.bookmark()} in the caller's session: a commit id covering the caller's commits. */
    static long bookmark(Session primarySession) {
        return primarySession.run(ProcedureNames.call(ProcedureNames.BOOKMARK)).single().get(ProcedureNames.COMMIT_ID_COLUMN).asLong();
    }

    /** Blocks on the standby until {@code commitId} is applied ({@code ha4neo.awaitCommit}). */
    static void awaitCommit(Driver standby, long commitId, long timeoutMs) {
        try (Session s = standby.session()) {
            s.run("CALL " + ProcedureNames.AWAIT_COMMIT + "($c, $t)", Map.of("c", commitId, "t", timeoutMs)).consume();
        }
    }

    /**
     * Waits until the primary's publisher has sent every spooled event to Kafka.
     *
     * @return the primary's last published commit id
     */
    static long awaitPublished(Driver primary, double timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            Record r = status(primary);
            long published = r.get(StatusColumns.LAST_PUBLISHED_ID).asLong();
            if (PublisherState.FENCED.name().equals(r.get(StatusColumns.PUBLISHER_STATE).asString())) {
                throw new IllegalStateException("the primary's publisher is FENCED; nothing more will be published: " + r);
            }
            if (published >= r.get(StatusColumns.LAST_SPOOLED_ID).asLong() && published >= r.get(StatusColumns.LAST_CAPTURED_ID).asLong()) {
                return published;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the primary did not publish its spool within " + timeoutSeconds + " s: "
                + status(primary));
    }

    /**
     * Waits until the primary's {@code lastPublishedId} reaches {@code commitId}, polling {@code ha4neo.status()}
     * every 20 ms; fails when the publisher is FENCED.
     *
     * @return the primary's last published commit id
     */
    static long awaitPublishedId(Driver primary, long commitId, double timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            Record r = status(primary);
            long published = r.get(StatusColumns.LAST_PUBLISHED_ID).asLong();
            if (published >= commitId) {
                return published;
            }
            if (PublisherState.FENCED.name().equals(r.get(StatusColumns.PUBLISHER_STATE).asString())) {
                throw new IllegalStateException("the primary's publisher is FENCED; nothing more will be published: " + r);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the primary did not publish commit id " + commitId + " within "
                + timeoutSeconds + " s: " + status(primary));
    }

    /** The primary's {@code lastCommittedId}: Neo4j's last committed transaction id. */
    static long lastCommittedId(Driver primary) {
        return status(primary).get(StatusColumns.LAST_COMMITTED_ID).asLong();
    }

    /** Waits until the applier's {@code applied_commit_id} reaches {@code target}; fails if the applier died. */
    static void awaitApplied(ApplierProcess applier, long target, double timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            requireRunning(applier);
            if (appliedCommitId(applier) >= target) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the applier did not reach commit id " + target + " within " + timeoutSeconds
                + " s (at " + appliedCommitId(applier) + "); see " + applier.logFile());
    }

    /** The applier's {@code ha4neo_applier_applied_commit_id}, -1 while its endpoint does not answer. */
    static long appliedCommitId(ApplierProcess applier) {
        try {
            return (long) MetricsScrape.of(applier.metricsBaseUrl()).value(MetricNames.APPLIER_APPLIED_COMMIT_ID);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    static void requireRunning(ApplierProcess applier) {
        if (!applier.isRunning()) {
            throw new IllegalStateException("the applier exited; last lines of " + applier.logFile() + ":\n"
                    + Logs.tail(applier.logFile(), 40));
        }
    }
}
