package io.ha4neo.applier.cascade;

import io.ha4neo.schemas.contract.RecordHeaders;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a cascade relay resumes, from the last committed record of its target topic (pure): after the source offset
 * that record was copied from ({@link RecordHeaders#RELAY_OFFSET}), or at the source's beginning when the target is
 * empty. A last record without relay headers means the target is a primary's log (or some other topic): a relay never
 * writes into it, which also stops a cycle of relays leading back into the primary's topic. A last record copied from
 * another topic means two relays share the target. Both are refused, naming the topics.
 */
public final class RelayTail {
    private RelayTail() {
    }

    /**
     * The source offset to copy from.
     *
     * @param lastRecordHeaders the headers of the target's last committed record; empty for an empty target
     * @throws CascadeRefusedException when the target holds what this relay did not write
     */
    public static long resumeOffset(Optional<Headers> lastRecordHeaders, String sourceTopic, String targetTopic) {
        if (lastRecordHeaders.isEmpty()) {
            return 0;
        }
        Headers h = lastRecordHeaders.get();
        String from = RecordHeaders.text(value(h, RecordHeaders.RELAY_TOPIC));
        OptionalLong offset = RecordHeaders.parseNumber(value(h, RecordHeaders.RELAY_OFFSET));
        if (from == null || offset.isEmpty()) {
            throw new CascadeRefusedException("cascade.topic " + targetTopic + " holds records that no cascading "
                    + "applier copied (its last record has no " + RecordHeaders.RELAY_TOPIC + "/"
                    + RecordHeaders.RELAY_OFFSET + " headers): it is a primary's log or another application's topic, "
                    + "and copying " + sourceTopic + " into it would corrupt it (or close a replication loop). Nothing "
                    + "was copied; name a topic of its own for this standby's cascade");
        }
        if (!from.equals(sourceTopic)) {
            throw new CascadeRefusedException("cascade.topic " + targetTopic + " holds copies of " + from + ", not of "
                    + sourceTopic + " (the topic this applier reads): another cascading applier writes into it. "
                    + "Nothing was copied; give each standby's cascade a topic of its own");
        }
        return offset.getAsLong() + 1;
    }

    private static byte[] value(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null ? null : h.value();
    }
}
