package io.ha4neo.capture.txlog;

/**
 * The running Neo4j is not a version the transaction-log reader was verified against. The reader decodes Neo4j's
 * internal log records, whose classes and meaning may change between releases, so it refuses rather than risk a
 * wrong repair.
 */
public final class UnsupportedNeo4jVersionException extends TransactionLogException {
    private final String version;

    public UnsupportedNeo4jVersionException(String version, String supported) {
        super("Neo4j " + (version == null || version.isBlank() ? "(unknown version)" : version) + " is not supported "
                + "by ha4neo's transaction-log reader (supported: " + supported + "). Repair from the transaction log "
                + "is not available on this version: a capture gap needs `ha4neo bootstrap` of the standbys, or run a "
                + "supported Neo4j version", null);
        this.version = version;
    }

    /** The version string that was refused. */
    public String version() {
        return version;
    }
}
