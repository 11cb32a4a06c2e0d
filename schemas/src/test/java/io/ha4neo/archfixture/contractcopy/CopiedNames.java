package io.ha4neo.archfixture.contractcopy;

/** A class outside schemas that re-declares a status column instead of using {@code StatusColumns}. */
public final class CopiedNames {
    /** The violation: a copy of {@code StatusColumns.APPLY_DELAY_MS}. */
    static final String APPLY_DELAY = "applyDelayMs";
    /** Allowed: a plain word that configuration keys use too. */
    static final String TOPIC_KEY = "topic";
    /** Allowed: not a contract name. */
    static final String GREETING = "hello";

    private CopiedNames() {
    }
}
