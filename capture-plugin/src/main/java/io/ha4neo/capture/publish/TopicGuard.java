package io.ha4neo.capture.publish;

import io.ha4neo.schemas.topology.TopicSpec;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the replication topic with the right configuration when it is missing, and checks an existing
 * one: exactly one partition (commit order), and a {@code max.message.bytes} that fits the chunk size.
 * A wrong topic is a {@link TopicMisconfiguredException} naming the topic, the setting and the fix.
 */
public final class TopicGuard {
    private final String topic;
    private final TopicSpec spec;
    private final int chunkMaxBytes;

    public TopicGuard(String topic, TopicSpec spec, int chunkMaxBytes) {
        this.topic = topic;
        this.spec = spec;
        this.chunkMaxBytes = chunkMaxBytes;
    }

    /** Creates or verifies the topic. Kafka errors other than misconfiguration propagate (retriable). */
    public void ensure(Admin admin, long timeoutMillis) throws InterruptedException, ExecutionException, TimeoutException {
        Optional<TopicDescription> existing = describe(admin, timeoutMillis);
        if (existing.isEmpty()) {
            create(admin, timeoutMillis);
            return;
        }
        int partitions = existing.get().partitions().size();
        if (partitions != 1) {
            throw new TopicMisconfiguredException("topic " + topic + " has " + partitions + " partitions; a "
                    + "replication topic must have exactly 1 so that it keeps commit order. Delete and recreate it, "
                    + "or set ha4neo.topic to a new topic");
        }
        checkMaxMessageBytes(admin, timeoutMillis);
    }

    private Optional<TopicDescription> describe(Admin admin, long timeoutMillis)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return Optional.of(admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(timeoutMillis, TimeUnit.MILLISECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void create(Admin admin, long timeoutMillis) throws InterruptedException, ExecutionException, TimeoutException {
        NewTopic t = new NewTopic(topic, spec.partitions(), spec.replicationFactor()).configs(spec.topicConfigs());
        try {
            admin.createTopics(Set.of(t)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private void checkMaxMessageBytes(Admin admin, long timeoutMillis)
            throws InterruptedException, ExecutionException, TimeoutException {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<ConfigResource, Config> configs = admin.describeConfigs(Set.of(r)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
        var entry = configs.get(r).get("max.message.bytes");
        if (entry != null && Integer.parseInt(entry.value()) < chunkMaxBytes + 1024) {
            throw new TopicMisconfiguredException("topic " + topic + " has max.message.bytes=" + entry.value()
                    + ", below ha4neo.chunk.max.bytes=" + chunkMaxBytes + " plus record overhead; raise the topic's "
                    + "max.message.bytes or lower ha4neo.chunk.max.bytes");
        }
    }

    /** The topic exists but cannot be used as a replication log. Not retriable until fixed. */
    public static final class TopicMisconfiguredException extends RuntimeException {
        public TopicMisconfiguredException(String message) {
            super(message);
        }
    }
}
