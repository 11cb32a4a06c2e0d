package io.ha4neo.schemas.contract;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Kafka record headers the plugin puts on every record of the replication topic. They repeat facts of the record's
 * value so that tools can read them without decoding it: the publisher and the ops CLI read the log's last epoch
 * from the tail, and a returning primary searches the log for the epoch that followed its own.
 *
 * <p>A cascading applier ({@code cascade.topic}, docs/cascading.md) copies records byte for byte, headers included,
 * and adds {@link #RELAY_TOPIC} and {@link #RELAY_OFFSET}: where the copy came from. Its next incarnation resumes after
 * the source offset of the last copy, and a topic holding records without them is a primary's log, which a relay
 * never writes into.
 */
public final class RecordHeaders {
    /** The event's epoch, as a decimal string (UTF-8). Records written before event schema v4 have no such header. */
    public static final String EPOCH = "ha4neo.epoch";

    /** On a relayed record: the topic it was copied from (UTF-8). */
    public static final String RELAY_TOPIC = "ha4neo.relay.topic";
    /** On a relayed record: its offset in {@link #RELAY_TOPIC}, as a decimal string (UTF-8). */
    public static final String RELAY_OFFSET = "ha4neo.relay.offset";

    private RecordHeaders() {
    }

    /** The header value for {@code offset} ({@link #RELAY_OFFSET}) or any other number. */
    public static byte[] numberValue(long number) {
        return Long.toString(number).getBytes(StandardCharsets.UTF_8);
    }

    /** A UTF-8 header value as a string, or null. */
    public static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The header value for {@code epoch}. */
    public static byte[] epochValue(long epoch) {
        return Long.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    /** Parses an {@link #EPOCH} header value; empty when absent or not a number. */
    public static OptionalLong parseEpoch(byte[] value) {
        return parseNumber(value);
    }

    /** Parses a decimal header value; empty when absent or not a number. */
    public static OptionalLong parseNumber(byte[] value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(new String(value, StandardCharsets.UTF_8).trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
