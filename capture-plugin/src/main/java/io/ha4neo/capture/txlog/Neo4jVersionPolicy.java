package io.ha4neo.capture.txlog;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which Neo4j versions the transaction-log reader supports: the 5.26 LTS line ({@code 5.26.<patch>}), whose log
 * records and record-storage command classes it was written and tested against (5.26.16). Anything else, calendar
 * releases (2025.x) included, is refused until it has been verified: a pure function of the version string.
 *
 * <p>Only the repair is refused. Capture, the applier and the standby guard run on the calendar release too (tested on
 * 2025.10.1); there the plugin says once at start-up, in {@link #startupNotice(String)}'s words, what is missing.
 */
public final class Neo4jVersionPolicy {
    /** What {@link #check} accepts, for messages and documentation. */
    public static final String SUPPORTED = "5.26.x (verified on 5.26.16)";

    private static final Pattern SUPPORTED_VERSION = Pattern.compile("5\\.26\\.\\d+");

    private Neo4jVersionPolicy() {
    }

    /** Whether {@code version} (Neo4j's release version, such as {@code 5.26.16}) is supported. */
    public static boolean supports(String version) {
        return version != null && SUPPORTED_VERSION.matcher(version).matches();
    }

    /**
     * The one line the plugin logs (WARN) when capture starts on a version whose log it cannot read, empty on a
     * supported one: capture runs, but commits it misses in a crash cannot be repaired from the log.
     */
    public static Optional<String> startupNotice(String version) {
        if (supports(version)) {
            return Optional.empty();
        }
        return Optional.of("capture runs on Neo4j " + version + ", but repair from its transaction log is not "
                + "available on this version (supported: " + SUPPORTED + "): commits that capture misses in a "
                + "crash become a gap event, and the standbys then need `ha4neo bootstrap`");
    }

    /** Returns normally for a supported version; otherwise says which one was refused and what is supported. */
    public static void check(String version) throws UnsupportedNeo4jVersionException {
        if (!supports(version)) {
            throw new UnsupportedNeo4jVersionException(version, SUPPORTED);
        }
    }
}
