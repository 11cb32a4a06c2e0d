package io.ha4neo.topology.status;

import java.util.List;

/**
 * One snapshot of a whole cluster: every member, the topic, and the problems found ({@link ClusterHealth}).
 * {@code ha4neo status --json} prints exactly this record.
 *
 * @param clusterId the cluster id from the cluster file
 * @param database the replicated database
 * @param topic the replication topic
 * @param healthy true when {@code problems} is empty (exit code 0)
 * @param problems what is wrong, one sentence each naming the member or the topic
 * @param kafka the topic as Kafka reports it
 * @param members every member, in cluster-file order
 * @param zones the zones with a Kafka cluster of their own, in cluster-file order (empty without zones)
 */
public record ClusterStatus(String clusterId, String database, String topic, boolean healthy, List<String> problems,
                            KafkaStatus kafka, List<MemberStatus> members, List<ZoneStatus> zones) {
    public ClusterStatus {
        problems = List.copyOf(problems);
        members = List.copyOf(members);
        zones = zones == null ? List.of() : List.copyOf(zones);
    }

    /** A snapshot of a cluster whose members all read the one Kafka cluster. */
    public ClusterStatus(String clusterId, String database, String topic, boolean healthy, List<String> problems,
                         KafkaStatus kafka, List<MemberStatus> members) {
        this(clusterId, database, topic, healthy, problems, kafka, members, List.of());
    }
}
