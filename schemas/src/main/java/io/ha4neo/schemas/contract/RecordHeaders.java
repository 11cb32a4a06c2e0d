package io.ha4neo.schemas.contract;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Kafka record headers the plugin puts on every record of the replication topic. They repeat facts of the record's
 * value so that tools can read them without decoding it: the publisher and the ops CLI read the log's last epoch
 * from the tail, and a returning primary searches the log for the epoch that followed its own.
 */
public final class RecordHeaders {
    /** The event's epoch, as a decimal string (UTF-8). Records written before event schema v4 have no such header. */
    public static final String EPOCH = "ha4neo.epoch";

    private RecordHeaders() {
    }

    /** The header value for {@code epoch}. */
    public static byte[] epochValue(long epoch) {
        return Long.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    /** Parses an {@link #EPOCH} header value; empty when absent or not a number. */
    public static OptionalLong parseEpoch(byte[] value) {
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
