package io.ha4neo.topology.cluster;

import java.util.List;
import java.util.Optional;

/**
 * One replication cluster: the replicated database, its topic, the Kafka cluster and the Neo4j members, as an
 * operator describes it in a cluster file ({@link ClusterFile}). Every ops command starts from one.
 *
 * <pre>{@code
 * ClusterDescription cluster = ClusterFile.load(Path.of("cluster.json"));
 * try (ClusterClients clients = new ClusterClients(cluster, Duration.ofSeconds(10))) {
 *     for (Member m : cluster.members()) { ... clients.session(m) ... }
 * }
 * }</pre>
 *
 * @param clusterId the cluster id ({@code ha4neo.cluster.id} on every member)
 * @param database the replicated database
 * @param topic the replication topic ({@code TopicNames.topicFor} of the two above unless the file names one)
 * @param kafka the Kafka cluster
 * @param members the Neo4j servers, in file order, names unique
 * @param zones the zones with a Kafka cluster of their own (a mirrored copy of the topic), in file order; empty when
 *              every member reads the one cluster
 */
public record ClusterDescription(String clusterId, String database, String topic, KafkaCluster kafka,
                                 List<Member> members, List<Zone> zones) {
    /** The database a description replicates when it names none (Neo4j's default database). */
    public static final String DEFAULT_DATABASE = "neo4j";

    public ClusterDescription {
        members = List.copyOf(members);
        zones = zones == null ? List.of() : List.copyOf(zones);
    }

    /** A description whose members all read the one Kafka cluster. */
    public ClusterDescription(String clusterId, String database, String topic, KafkaCluster kafka,
                              List<Member> members) {
        this(clusterId, database, topic, kafka, members, List.of());
    }

    /** The zone called {@code name} that has a Kafka cluster of its own. */
    public Optional<Zone> zone(String name) {
        return zones.stream().filter(z -> z.name().equals(name)).findFirst();
    }

    /** The member called {@code name}. */
    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * The member called {@code name}, or an {@link IllegalArgumentException} that lists the members and suggests the
     * closest name ("no member 'bb' in the cluster file (did you mean 'b'?); members: a, b").
     */
    public Member requireMember(String name) {
        return member(name).orElseThrow(() -> {
            List<String> names = members.stream().map(Member::name).toList();
            return new IllegalArgumentException("no member '" + name + "' in the cluster file"
                    + Suggestions.didYouMean(name, names) + "; members: " + String.join(", ", names));
        });
    }
}
