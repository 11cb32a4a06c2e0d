package io.ha4neo.topology.verify;

import java.util.List;

/**
 * What {@code ha4neo verify} found. {@code --json} prints exactly this record; {@link VerifyText} renders it for
 * people.
 *
 * @param outcome EQUAL, DIFFERENT, UNSETTLED or ERROR
 * @param primary the primary's member name
 * @param standby the standby's member name
 * @param database the compared database
 * @param epoch the epoch of the primary's position verify lined the standby up with (its first bookmark), or null
 * @param commitId that position's commit id, or null
 * @param standbyAppliedCommitId what the standby had applied when verify read it, or null
 * @param nodes nodes on each member (as its pass read them; approximate while writes continue)
 * @param relationships relationships on each member
 * @param schemaObjects indexes and constraints on each member
 * @param windows how often verify lined the standby up with the primary's position during the primary's pass, and
 *                looked up on the standby what the primary had read since the last time
 * @param suspects entities read again because they differed in a pass (changed, missing on a member, or in flight)
 * @param rounds rounds of re-reading that were needed
 * @param complete false when verify stopped at --max-differences suspects (it may have missed differences)
 * @param differences the entities that differed in every round, by kind and key
 * @param unsettled the entities that writes changed during every round (verify cannot tell)
 * @param millis how long verify took
 * @param summary the one-line result
 * @param error why verify could not compare (outcome ERROR), else null
 */
public record VerifyReport(Outcome outcome, String primary, String standby, String database, Long epoch,
                           Long commitId, Long standbyAppliedCommitId, Counts nodes, Counts relationships,
                           Counts schemaObjects, int windows, int suspects, int rounds,
                           boolean complete, List<Difference> differences, List<Difference> unsettled, long millis,
                           String summary, String error) {
    public VerifyReport {
        differences = List.copyOf(differences);
        unsettled = List.copyOf(unsettled);
    }

    /** How verify ended; the exit code follows from it. */
    public enum Outcome {
        /** Every entity and schema object compared equal: exit 0. */
        EQUAL,
        /** At least one entity differed in every round: exit 1. */
        DIFFERENT,
        /** Nothing was found different, but writes kept changing some entities, or verify stopped early: exit 2. */
        UNSETTLED,
        /** Verify could not compare: exit 2. */
        ERROR
    }

    /** A count on each member. */
    public record Counts(long primary, long standby) {
    }

    /** The report of a verify that could not compare, naming why. */
    public static VerifyReport error(String primary, String standby, String database, long millis, String error) {
        return new VerifyReport(Outcome.ERROR, primary, standby, database, null, null, null, null, null, null, 0, 0, 0,
                false, List.of(), List.of(), millis, "ERROR: " + error, error);
    }
}
