package io.ha4neo.schemas.topology;

import java.util.List;

/**
 * Every name that ha4neo itself creates in a user's database. All share the prefix {@link #PREFIX}, so tools
 * and comparisons can exclude them with one rule: {@link #isReserved(String)}.
 */
public final class ReservedNames {
    /** The common prefix of every reserved label, type, property, index and constraint. */
    public static final String PREFIX = "_ha4neo_";

    /** Label the applier puts on every replicated node of a standby, so identity lookups are index-backed. */
    public static final String NODE_LABEL = PREFIX + "Node";
    /** Property holding an entity's replication key ({@code io.ha4neo.schemas.event.EntityKey}) on a standby. */
    public static final String ID_PROPERTY = PREFIX + "id";
    /** Label of the single watermark node per replicated database on a standby. */
    public static final String WATERMARK_LABEL = PREFIX + "Watermark";
    /** Label of the audit record left by an operator's explicit skip of one commit id. */
    public static final String SKIP_LABEL = PREFIX + "SkippedCommit";
    /**
     * Label of a bootstrap run's progress record on the primary ({@code ha4neo bootstrap}, one node per run). Writing it
     * is what makes each event of the run a commit of its own; capture never turns it into a change.
     */
    public static final String BOOTSTRAP_LABEL = PREFIX + "Bootstrap";
    /** Uniqueness constraint on ({@link #NODE_LABEL}, {@link #ID_PROPERTY}). */
    public static final String NODE_ID_CONSTRAINT = PREFIX + "node_id";
    /** Uniqueness constraint on the watermark's database property. */
    public static final String WATERMARK_CONSTRAINT = PREFIX + "watermark_database";

    /** Transaction metadata key with which the sink applier tags its writes (value: {@link #APPLIER_TAG_VALUE}). */
    public static final String APPLIER_METADATA_KEY = "ha4neo.applier";
    /** The value of {@link #APPLIER_METADATA_KEY}. */
    public static final String APPLIER_TAG_VALUE = "true";

    /** All reserved labels, for documentation and filters. */
    public static final List<String> LABELS = List.of(NODE_LABEL, WATERMARK_LABEL, SKIP_LABEL, BOOTSTRAP_LABEL);
    /**
     * Labels of ha4neo's own bookkeeping nodes: such a node is no entity at all (not user data, never replicated,
     * never compared), unlike a node labelled {@link #NODE_LABEL}, which is a replicated entity.
     */
    public static final List<String> BOOKKEEPING_LABELS = List.of(WATERMARK_LABEL, SKIP_LABEL, BOOTSTRAP_LABEL);
    /** All reserved schema object names. */
    public static final List<String> SCHEMA_NAMES = List.of(NODE_ID_CONSTRAINT, WATERMARK_CONSTRAINT);

    private ReservedNames() {
    }

    /** True when a node with these labels is one of ha4neo's bookkeeping nodes ({@link #BOOKKEEPING_LABELS}). */
    public static boolean isBookkeeping(java.util.Collection<String> labels) {
        for (String label : BOOKKEEPING_LABELS) {
            if (labels.contains(label)) {
                return true;
            }
        }
        return false;
    }

    /** True when a label, relationship type, property key or schema name belongs to ha4neo. */
    public static boolean isReserved(String name) {
        return name != null && name.startsWith(PREFIX);
    }
}
