package io.ha4neo.topology.status;

import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.KafkaCluster;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.cluster.Secret;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Members and clusters for the status tests. */
final class StatusFixtures {
    static final ClusterDescription CLUSTER = new ClusterDescription("dc1", "neo4j", "ha4neo.dc1.neo4j",
            new KafkaCluster("k:9092", (short) 3, Map.of()),
            List.of(member("a"), member("b")));
    static final KafkaStatus KAFKA_UP = new KafkaStatus("k:9092", true, 16L, null);

    private StatusFixtures() {
    }

    static Member member(String name) {
        return new Member(name, "z-" + name, URI.create("bolt://" + name + ":7687"), "neo4j", Secret.NONE, java.util.List.of());
    }

    static MemberStatus primary(String name, String publisherState) {
        return primary(name, publisherState, 0, false);
    }

    static MemberStatus primary(String name, String publisherState, long epoch, boolean frozen) {
        return new MemberStatus(name, "z-" + name, "bolt://" + name + ":7687", true, null, "primary", "dc1",
                "ha4neo.dc1.neo4j", epoch, frozen, publisherState, 14L, 12L, 12L, List.of(), null, List.of(), null,
                null, null, null);
    }

    static MemberStatus standby(String name, long applied, ApplierStatus applier) {
        return standby(name, 0, applied, applier);
    }

    static MemberStatus standby(String name, long epoch, long applied, ApplierStatus applier) {
        return new MemberStatus(name, "z-" + name, "bolt://" + name + ":7687", true, null, "standby", "dc1",
                "ha4neo.dc1.neo4j", epoch, null, "NOT_PUBLISHING", 9L, null, null, null, null, List.of(), applied, 4L,
                null, applier);
    }

    static MemberStatus fenced(String name, List<String> divergentTail) {
        return new MemberStatus(name, "z-" + name, "bolt://" + name + ":7687", true, null, "fenced", "dc1",
                "ha4neo.dc1.neo4j", 0L, null, "SUPERSEDED", 20L, null, null, null, null, divergentTail, 12L, null,
                null, null);
    }

    static MemberStatus unreachable(String name) {
        return new MemberStatus(name, "", "bolt://" + name + ":7687", false, "Connection refused", null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
