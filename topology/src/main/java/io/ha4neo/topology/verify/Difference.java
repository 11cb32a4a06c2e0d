package io.ha4neo.topology.verify;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An entity the two members hold differently, in every round verify read it. {@code ha4neo verify --json} prints
 * these fields except the two details, which are the table's columns: only the parts that differ.
 *
 * @param key the replication key (schema objects: the name)
 * @param kind {@code node}, {@code relationship}, {@code index} or {@code constraint}
 * @param change how it differs
 * @param primary the entity on the primary ({@link CanonicalEntity#text}), null when missing there
 * @param standby the entity on the standby, null when missing there
 * @param primaryDetail what differs, on the primary's side (labels, type, endpoints, properties), or its whole text
 * @param standbyDetail the same on the standby's side
 */
public record Difference(String key, String kind, Change change, String primary, String standby,
                         @JsonIgnore String primaryDetail, @JsonIgnore String standbyDetail) {
    /** How an entity differs. */
    public enum Change {
        /** Both members have it, with different contents. */
        CHANGED,
        /** The primary has it, the standby does not. */
        MISSING_ON_STANDBY,
        /** The standby has it, the primary does not. */
        ONLY_ON_STANDBY
    }

    /** The difference between the primary's and the standby's sighting of one key (not both null). */
    static Difference of(EntityKind kind, String key, Sighting primary, Sighting standby) {
        Change change = primary == null ? Change.ONLY_ON_STANDBY
                : standby == null ? Change.MISSING_ON_STANDBY : Change.CHANGED;
        String p = primary == null ? null : primary.text();
        String s = standby == null ? null : standby.text();
        if (change != Change.CHANGED || primary.count() != 1 || standby.count() != 1) {
            return new Difference(key, kind.label(), change, p, s, p == null ? MISSING : p, s == null ? MISSING : s);
        }
        String[] details = DifferenceDetail.of(primary.entity(), standby.entity());
        return new Difference(key, kind.label(), change, p, s, details[0], details[1]);
    }

    /** How the table shows a side that lacks the entity. */
    static final String MISSING = "(missing)";
}
