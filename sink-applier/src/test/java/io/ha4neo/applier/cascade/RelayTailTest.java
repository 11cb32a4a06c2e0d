package io.ha4neo.applier.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.contract.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class RelayTailTest {
    private static Headers headers(String topic, String offset) {
        Headers h = new org.apache.kafka.common.header.internals.RecordHeaders();
        h.add(RecordHeaders.EPOCH, RecordHeaders.epochValue(2));
        if (topic != null) {
            h.add(RecordHeaders.RELAY_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        }
        if (offset != null) {
            h.add(RecordHeaders.RELAY_OFFSET, offset.getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    @Test
    void anEmptyTargetIsCopiedFromTheSourcesBeginning() {
        assertThat(RelayTail.resumeOffset(Optional.empty(), "ha4neo.c.neo4j", "cascade.b")).isZero();
    }

    @Test
    void theCopyResumesRightAfterTheSourceOffsetOfTheLastCopiedRecord() {
        assertThat(RelayTail.resumeOffset(Optional.of(headers("ha4neo.c.neo4j", "41")), "ha4neo.c.neo4j",
                "cascade.b")).isEqualTo(42);
    }

    @Test
    void aTargetWhoseLastRecordNoRelayWroteIsAPrimarysLogAndIsRefused() {
        assertThatThrownBy(() -> RelayTail.resumeOffset(Optional.of(headers(null, null)), "cascade.a",
                "ha4neo.c.neo4j")).isInstanceOf(CascadeRefusedException.class)
                .hasMessageContaining("cascade.topic ha4neo.c.neo4j holds records that no cascading applier copied")
                .hasMessageContaining("replication loop");
        assertThatThrownBy(() -> RelayTail.resumeOffset(Optional.of(headers("ha4neo.c.neo4j", "x")), "ha4neo.c.neo4j",
                "cascade.b")).isInstanceOf(CascadeRefusedException.class);
    }

    @Test
    void aTargetAnotherRelayCopiesIntoIsRefused() {
        assertThatThrownBy(() -> RelayTail.resumeOffset(Optional.of(headers("ha4neo.other.neo4j", "7")),
                "ha4neo.c.neo4j", "cascade.b")).isInstanceOf(CascadeRefusedException.class)
                .hasMessageContaining("holds copies of ha4neo.other.neo4j, not of ha4neo.c.neo4j");
    }
}
