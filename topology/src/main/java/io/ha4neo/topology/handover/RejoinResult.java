package io.ha4neo.topology.handover;

import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.topology.Role;
import java.util.List;

/**
 * What {@code CALL ha4neo.rejoin(discardTail)} answered.
 *
 * @param role the role the member ended in: {@link Role#STANDBY} when it follows the new primary, {@link Role#FENCED}
 *             when it holds commits the log does not and was not told to discard them
 * @param following the handover point it follows from: the last event of its old epoch that the log kept
 * @param divergentTail the commits the log does not have, one line each (discarded when asked to, else kept)
 */
public record RejoinResult(Role role, ChainPosition following, List<String> divergentTail) {
    public RejoinResult {
        divergentTail = List.copyOf(divergentTail);
    }
}
