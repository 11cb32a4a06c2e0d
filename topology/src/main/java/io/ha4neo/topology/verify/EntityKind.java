package io.ha4neo.topology.verify;

import java.util.Locale;

/** What verify compares: the graph's entities, and the schema objects of the user's database. */
public enum EntityKind {
    NODE,
    RELATIONSHIP,
    INDEX,
    CONSTRAINT;

    /** "node", "relationship", "index", "constraint": how the CLI names the kind. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for indexes and constraints, which are read whole (a few per database), not in chunks. */
    public boolean isSchema() {
        return this == INDEX || this == CONSTRAINT;
    }
}
