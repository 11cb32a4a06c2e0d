package io.ha4neo.topology.handover;

import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.topology.cluster.Member;
import java.time.Duration;

/**
 * The seam between the handover steps and the members: one call of one ha4neo procedure on one member
 * ({@link io.ha4neo.schemas.contract.ProcedureNames}). {@link BoltProcedures} calls them over Bolt; unit tests put a
 * simulated cluster behind it. Every method either returns what the procedure returned or throws a
 * {@link ProcedureFailure} that says whether the call's outcome is known.
 */
public interface MemberProcedures {
    /** {@code ha4neo.freeze(timeoutMs)} on a primary: client writes refused from now on; the handover point. */
    LastEvent freeze(Member primary, Duration timeout);

    /** {@code ha4neo.unfreeze()} on a frozen primary: client writes accepted again. */
    void unfreeze(Member primary);

    /** {@code ha4neo.awaitCommit(commitId, timeoutMs, epoch)} on a standby: the commit id it has applied. */
    long awaitCommit(Member standby, ChainPosition position, Duration timeout);

    /**
     * {@code ha4neo.promote(previousEpoch, previousCommitId, reason, timeoutMs)} on a standby that applied exactly
     * {@code previous}: the new epoch and its first commit id.
     */
    ChainPosition promote(Member standby, ChainPosition previous, String reason, Duration timeout);

    /** {@code ha4neo.rejoin(discardTail)} on a former primary. */
    RejoinResult rejoin(Member member, boolean discardTail);
}
