package io.ha4neo.topology.topic;

import io.ha4neo.schemas.topology.TopicSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates a replication topic with a {@link TopicSpec}, or checks the one that exists ({@link TopicCheck}). It never
 * alters an existing topic: changing partitions, replicas or retention of a live log is an operator's decision, so
 * it reports each difference with the command that fixes it. Idempotent.
 */
public final class TopicProvisioner {
    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, String bootstrapServers, Duration timeout) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** Creates {@code topic} when missing, then checks it. Kafka errors propagate with the topic named. */
    public TopicReport ensure(String topic, TopicSpec spec) {
        try {
            boolean created = describe(topic).isEmpty() && create(topic, spec);
            TopicDescription description = awaitDescribed(topic);
            int partitions = description.partitions().size();
            int replicas = description.partitions().get(0).replicas().size();
            return new TopicReport(topic, created, partitions, replicas,
                    TopicCheck.mismatches(topic, bootstrapServers, spec, partitions, replicas, configs(topic)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot create or check topic " + topic + " on " + bootstrapServers + ": "
                    + cause.getMessage(), cause);
        }
    }

    private Optional<TopicDescription> describe(String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return Optional.of(admin.describeTopics(Set.of(topic)).allTopicNames().get(millis(), TimeUnit.MILLISECONDS)
                    .get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A topic just created may take a moment to reach every broker's metadata. */
    private TopicDescription awaitDescribed(String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<TopicDescription> description = describe(topic);
            if (description.isPresent()) {
                return description.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " was created but Kafka does not describe it "
                        + "within " + timeout.toSeconds() + " s; run create-topics again to check it");
            }
            Thread.sleep(200);
        }
    }

    /** True when this call created the topic; false when another client created it first. */
    private boolean create(String topic, TopicSpec spec) throws InterruptedException, ExecutionException,
            TimeoutException {
        NewTopic newTopic = new NewTopic(topic, spec.partitions(), spec.replicationFactor())
                .configs(spec.topicConfigs());
        try {
            admin.createTopics(Set.of(newTopic)).all().get(millis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private Map<String, String> configs(String topic) throws InterruptedException, ExecutionException,
            TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(Set.of(resource)).all().get(millis(), TimeUnit.MILLISECONDS)
                .get(resource);
        return config.entries().stream().filter(e -> e.value() != null)
                .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value, (a, b) -> a));
    }

    private long millis() {
        return timeout.toMillis() + 1_000;
    }
}
