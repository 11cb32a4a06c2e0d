package io.ha4neo.topology.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;

/**
 * The clients every ops command shares, opened from a {@link ClusterDescription}: one Neo4j driver per member and
 * one Kafka {@link Admin}, each created on first use and closed together (and, for reading the log's last event, a
 * short-lived {@link #tailConsumer()}). Every client waits at most
 * {@code timeout} for a connection or an answer, so one unreachable member or broker cannot hang a command.
 *
 * <pre>{@code
 * try (ClusterClients clients = new ClusterClients(cluster, Duration.ofSeconds(10))) {
 *     try (Session s = clients.session(cluster.members().get(0))) { s.run("RETURN 1").consume(); }
 *     clients.admin().describeCluster().nodes().get();
 * }
 * }</pre>
 *
 * Thread-safe: status probes the members in parallel.
 */
public final class ClusterClients implements AutoCloseable {
    private final ClusterDescription cluster;
    private final Duration timeout;
    private final Map<String, Driver> drivers = new LinkedHashMap<>();
    private Admin admin;
    private final Map<String, Admin> zoneAdmins = new LinkedHashMap<>();

    public ClusterClients(ClusterDescription cluster, Duration timeout) {
        this.cluster = cluster;
        this.timeout = timeout;
    }

    /** The description the clients were opened from. */
    public ClusterDescription cluster() {
        return cluster;
    }

    /** How long any one connection or request may take. */
    public Duration timeout() {
        return timeout;
    }

    /** The driver of {@code member}, talking to exactly that server. */
    public synchronized Driver driver(Member member) {
        return drivers.computeIfAbsent(member.name(), name -> GraphDatabase.driver(member.bolt(), auth(member),
                Config.builder().withLogging(Logging.none())
                        .withConnectionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .withConnectionAcquisitionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .withMaxConnectionPoolSize(2).build()));
    }

    /** A session on the replicated database of {@code member}; the caller closes it. */
    public Session session(Member member) {
        return driver(member).session(SessionConfig.forDatabase(cluster.database()));
    }

    /** The Admin client of the Kafka cluster, with the description's pass-through properties. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminConfig());
        }
        return admin;
    }

    /** The Admin client of {@code zone}'s own Kafka cluster, with that cluster's pass-through properties. */
    public synchronized Admin admin(Zone zone) {
        return zoneAdmins.computeIfAbsent(zone.name(), name -> Admin.create(adminConfig(zone.kafka(), "-zone-" + name)));
    }

    /**
     * A new consumer of the replication topic that reads like a standby's applier (read_committed, no group, no
     * offset commits), for reading the log's last event; the caller assigns the partition and closes it.
     */
    public Consumer<byte[], byte[]> tailConsumer() {
        return new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The tail consumer's configuration: the Admin's, plus what makes it see only committed transactions. */
    Map<String, Object> consumerConfig() {
        Map<String, Object> config = new LinkedHashMap<>(cluster.kafka().clientProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ha4neo-ops-" + cluster.clusterId() + "-tail");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Room for the largest record the plugin writes (a chunk, at most ha4neo.chunk.max.bytes).
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        return config;
    }

    /** The Admin configuration: bootstrap servers, the pass-through properties, then this command's timeouts. */
    Map<String, Object> adminConfig() {
        return adminConfig(cluster.kafka(), "");
    }

    private Map<String, Object> adminConfig(KafkaCluster kafka, String clientIdSuffix) {
        Map<String, Object> config = new LinkedHashMap<>(kafka.clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ha4neo-ops-" + cluster.clusterId() + clientIdSuffix);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        return config;
    }

    @Override
    public synchronized void close() {
        List<RuntimeException> failures = new ArrayList<>();
        drivers.values().forEach(d -> closeQuietly(d::close, failures));
        drivers.clear();
        if (admin != null) {
            closeQuietly(() -> admin.close(timeout), failures);
            admin = null;
        }
        zoneAdmins.values().forEach(a -> closeQuietly(() -> a.close(timeout), failures));
        zoneAdmins.clear();
        if (!failures.isEmpty()) {
            failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
            throw failures.get(0);
        }
    }

    private static AuthToken auth(Member member) {
        return member.password().isEmpty() ? AuthTokens.none()
                : AuthTokens.basic(member.user(), member.password().reveal());
    }

    private static void closeQuietly(Runnable close, List<RuntimeException> failures) {
        try {
            close.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
