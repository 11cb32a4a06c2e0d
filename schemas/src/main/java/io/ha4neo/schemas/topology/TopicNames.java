package io.ha4neo.schemas.topology;

/**
 * Naming of the replication topic: one topic per replicated database, {@code <prefix>.<cluster>.<database>}
 * by default, for example {@code ha4neo.dc1.neo4j}. Both capture and applier can override it explicitly.
 */
public final class TopicNames {
    /** Default topic prefix. */
    public static final String DEFAULT_PREFIX = "ha4neo";

    private TopicNames() {
    }

    /** The default topic of a database in a cluster. */
    public static String topicFor(String prefix, String clusterId, String database) {
        String name = prefix + "." + clusterId + "." + database;
        validate(name);
        return name;
    }

    /**
     * The consumer group of the appliers of one member (one standby) on a topic, {@code ha4neo-applier-<topic>-<member>}:
     * the group whose committed offsets lag tools read (positioning never uses them; the standby's watermark does).
     * One group per member, so that each standby's lag shows separately and two standbys never compete for the
     * topic's one partition; the appliers of one member share it, so that exactly one of them holds the partition.
     */
    public static String applierGroup(String topic, String member) {
        return "ha4neo-applier-" + topic + "-" + member;
    }

    /**
     * The Schema Registry subject of the topic's record values in registry mode: {@code <topic>-value}, Confluent's
     * TopicNameStrategy, which generic consumers (and their serializers' defaults) expect.
     */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    /** Checks Kafka's topic-name rules, naming the topic and the broken rule. */
    public static void validate(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > 249) {
            throw new IllegalArgumentException("topic name '" + topic + "' must have 1..249 characters");
        }
        if (!topic.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("topic name '" + topic
                    + "' may only contain ASCII letters, digits, '.', '_' and '-'");
        }
    }
}
