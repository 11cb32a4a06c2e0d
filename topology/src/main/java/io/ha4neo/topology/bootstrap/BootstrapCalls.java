package io.ha4neo.topology.bootstrap;

import io.ha4neo.topology.cluster.Member;

/**
 * What {@link Bootstrap} asks of the members: the plugin's {@code ha4neo.bootstrap.*} procedures
 * ({@link io.ha4neo.schemas.contract.ProcedureNames#BOOTSTRAP_BEGIN} and the others, whose Javadoc is the contract) and
 * one count. {@link BoltBootstrapCalls} makes them over Bolt; tests use a simulated cluster.
 */
public interface BootstrapCalls {
    /** The begin of a run on the primary: its id, the begin's place in the log, and the primary's totals. */
    record RunStart(String run, long epoch, long commitId, long offset, long totalNodes, long totalRelationships) {
    }

    /** One event of a run committed by {@code next}: a chunk, or the end ({@code phase} END). */
    record RunStep(String run, String phase, long commitId, long nodesSent, long relationshipsSent, long totalNodes,
                   long totalRelationships) {
        /** The phase name of a run's last event. */
        public static final String END = "END";

        public boolean isEnd() {
            return END.equals(phase);
        }

        public long entitiesSent() {
            return nodesSent + relationshipsSent;
        }

        public long totalEntities() {
            return totalNodes + totalRelationships;
        }
    }

    /**
     * A standby's watermark as a bootstrap sees it: {@code stage} is {@code awaiting_begin} or {@code seeding} (with
     * the run), {@code following} (no run) or {@code none} (no watermark); {@code applied}: the run's entity images
     * it has applied (stage seeding), 0 otherwise.
     */
    record StandbyStage(String run, String stage, long epoch, long commitId, long applied) {
    }

    /** {@code ha4neo.bootstrap.begin(standby, chunkSize)} on the primary. */
    RunStart begin(Member primary, String standby, int chunkSize);

    /** {@code ha4neo.bootstrap.next(run)} on the primary. */
    RunStep next(Member primary, String run);

    /** {@code ha4neo.bootstrap.prepare(run, epoch, offset, reseed)} on the standby; returns its stage. */
    String prepare(Member standby, RunStart start, boolean reseed);

    /** {@code ha4neo.bootstrap.progress()} on the standby. */
    StandbyStage progress(Member standby);

    /** Nodes and relationships of users the member holds (ha4neo's own nodes left out), from its counts store. */
    long userEntities(Member member);
}
