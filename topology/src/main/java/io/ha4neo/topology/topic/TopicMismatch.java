package io.ha4neo.topology.topic;

/**
 * One way an existing replication topic differs from what replication needs.
 *
 * @param setting {@code partitions}, {@code replication factor} or a topic config key
 * @param actual the topic's value
 * @param expected the value replication needs
 * @param fix what to run or change
 */
public record TopicMismatch(String setting, String actual, String expected, String fix) {
    /** "retention.ms is 604800000, expected -1. Fix: ...". */
    public String describe() {
        return setting + " is " + actual + ", expected " + expected + ". Fix: " + fix;
    }
}
