package io.ha4neo.schemas.event;

import java.util.Objects;

/**
 * Marks an event of an online seed of one standby ({@code ha4neo bootstrap}, docs/bootstrap.md), in the spirit of
 * Netflix's DBLog: the seed is not a side channel but a sequence of ordinary primary commits in the log.
 *
 * <p>Each event of a run is a real commit of the primary whose only write is ha4neo's own progress record (label
 * {@link io.ha4neo.schemas.topology.ReservedNames#BOOTSTRAP_LABEL}, never replicated). A chunk's images
 * ({@link TransactionEvent#bootstrapNodes()}, {@link TransactionEvent#bootstrapRelationships()}) are read in that
 * commit under shared locks on the entities: a commit that changed one of them before is ahead of the chunk in the
 * log, one that changes it after is behind it. So applying the log in order, with each image replacing (or creating)
 * its entity, and changes to entities the standby does not hold yet passed over, ends with the primary's graph.
 *
 * <p>Every other consumer passes over bootstrap events: they change nothing on the primary (no undo, no audit).
 *
 * @param run the run's id (a UUID), the same on every event of the run
 * @param standby the member being seeded; other standbys pass over the run
 * @param phase which event of the run this is
 * @param member the primary the run reads from
 * @param totals what the primary held of user data when the run began
 * @param nodesSent node images sent by the run, up to and including this event
 * @param relationshipsSent relationship images sent by the run, up to and including this event
 */
public record BootstrapMark(String run, String standby, BootstrapPhase phase, String member, StoreContent totals,
                            long nodesSent, long relationshipsSent) {
    public BootstrapMark {
        run = Objects.requireNonNull(run, "run");
        standby = Objects.requireNonNull(standby, "standby");
        phase = Objects.requireNonNull(phase, "phase");
        member = Objects.requireNonNull(member, "member");
        totals = Objects.requireNonNull(totals, "totals");
        if (run.isEmpty() || standby.isEmpty()) {
            throw new IllegalArgumentException("a bootstrap run needs a run id and a standby, were '" + run + "' and '"
                    + standby + "'");
        }
        if (nodesSent < 0 || relationshipsSent < 0) {
            throw new IllegalArgumentException("bootstrap run " + run + ": sent counts must not be negative, were "
                    + nodesSent + " nodes and " + relationshipsSent + " relationships");
        }
    }

    /** Entities (nodes and relationships) sent up to and including this event. */
    public long entitiesSent() {
        return nodesSent + relationshipsSent;
    }

    @Override
    public String toString() {
        return "bootstrap run " + run + " of standby '" + standby + "' from member '" + member + "', " + phase + " ("
                + nodesSent + " of " + totals.nodes() + " nodes, " + relationshipsSent + " of "
                + totals.relationships() + " relationships sent)";
    }
}
