package io.ha4neo.capture.txlog;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether Neo4j keeps enough transaction log for a repair (issue 15, item 4). Pure; the plugin logs its warning at
 * start-up.
 *
 * <p>The worst crash a repair must cover: Kafka was unreachable, so the spool filled up to {@code ha4neo.spool.max.bytes}
 * of unpublished events, and then an operating-system crash lost the spool. Every one of those commits must still be
 * in Neo4j's log. A commit takes at least as many bytes in Neo4j's log as in the spool (the log holds whole records,
 * before and after images; an event holds only the changes), so a retention of at least {@code spool.max.bytes} of
 * log covers it. A retention by time covers an outage of that time. What is checked, by the form of
 * {@code db.tx_log.rotation.retention_policy}:
 * <ul>
 *   <li>{@code true} / {@code keep_all}: everything is kept;</li>
 *   <li>{@code false} / {@code keep_none}: only the newest file: warned;</li>
 *   <li>{@code <n> files}: {@code n} × {@code db.tx_log.rotation.size} bytes, against the spool's bound;</li>
 *   <li>{@code <n>[k|m|g] size}: those bytes, against the spool's bound;</li>
 *   <li>{@code <n> txs} (or {@code entries}): against the bound at the smallest event, {@link #MIN_EVENT_BYTES};</li>
 *   <li>{@code <n> hours|days} and the like: warned below one day, an outage that a weekend on-call may well see.</li>
 * </ul>
 * An unknown form is reported as such, not guessed.
 */
public final class RetentionCheck {
    /** The smallest spooled event (header and one change), for a retention counted in transactions. */
    public static final long MIN_EVENT_BYTES = 100;
    /** A retention by time shorter than this is warned about. */
    public static final long MIN_RETENTION_MILLIS = 24L * 3600 * 1000;
    /** What the warning recommends. */
    public static final String RECOMMENDED = "2 days";

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([a-z]*)\\s+([a-z]+)");

    private RetentionCheck() {
    }

    /**
     * A warning when {@code retention} may prune commits a repair needs, empty when it covers them.
     *
     * @param retention         the value of {@code db.tx_log.rotation.retention_policy}
     * @param rotationSizeBytes {@code db.tx_log.rotation.size}
     * @param spoolMaxBytes     {@code ha4neo.spool.max.bytes}
     */
    public static Optional<String> check(String retention, long rotationSizeBytes, long spoolMaxBytes) {
        String value = retention == null ? "" : retention.trim().toLowerCase(Locale.ROOT);
        if (value.equals("true") || value.equals("keep_all")) {
            return Optional.empty();
        }
        if (value.equals("false") || value.equals("keep_none")) {
            return warn(retention, "keeps only the newest log file");
        }
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            return warn(retention, "is a form this check does not know, so whether it covers a repair is unknown");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        String type = m.group(3);
        return switch (type) {
            case "files" -> bytes(retention, n * rotationSizeBytes, spoolMaxBytes, n + " files of "
                    + rotationSizeBytes + " bytes (db.tx_log.rotation.size)");
            case "size" -> bytes(retention, n * multiplier(unit), spoolMaxBytes, n + unit + " bytes");
            case "txs", "entries" -> bytes(retention, n * MIN_EVENT_BYTES, spoolMaxBytes, n
                    + " transactions, at most about " + (n * MIN_EVENT_BYTES) + " bytes of events");
            case "seconds", "second", "minutes", "minute", "hours", "hour", "days", "day" -> {
                long millis = n * switch (type.charAt(0)) {
                    case 's' -> 1_000L;
                    case 'm' -> 60_000L;
                    case 'h' -> 3_600_000L;
                    default -> 86_400_000L;
                };
                yield millis >= MIN_RETENTION_MILLIS ? Optional.empty() : warn(retention, "covers a Kafka outage "
                        + "of only " + n + " " + type + " followed by a lost spool");
            }
            default -> warn(retention, "is a form this check does not know, so whether it covers a repair is unknown");
        };
    }

    private static long multiplier(String unit) {
        return switch (unit) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1L;
        };
    }

    private static Optional<String> bytes(String retention, long kept, long spoolMaxBytes, String what) {
        return kept >= spoolMaxBytes ? Optional.empty() : warn(retention, "keeps " + what + ", less than the "
                + spoolMaxBytes + " bytes of unpublished events the spool may hold (ha4neo.spool.max.bytes)");
    }

    private static Optional<String> warn(String retention, String why) {
        return Optional.of(RangePrunedException.RETENTION_SETTING + "=" + retention + " " + why + ". A crash that "
                + "loses the spool while Kafka is behind then leaves commits that cannot be repaired from Neo4j's "
                + "transaction log, and every standby needs `ha4neo bootstrap`. Recommended: "
                + RangePrunedException.RETENTION_SETTING + "=" + RECOMMENDED + ", or a size at least "
                + "ha4neo.spool.max.bytes");
    }
}
