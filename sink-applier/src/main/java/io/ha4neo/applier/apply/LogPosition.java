package io.ha4neo.applier.apply;

/**
 * A record's place in the log, for watermarks and for every error message.
 *
 * @param topic topic name
 * @param partition partition number
 * @param offset record offset
 */
public record LogPosition(String topic, int partition, long offset) {
    @Override
    public String toString() {
        return "topic " + topic + " partition " + partition + " offset " + offset;
    }
}
