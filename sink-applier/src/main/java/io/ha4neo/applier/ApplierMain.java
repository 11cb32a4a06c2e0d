package io.ha4neo.applier;

import io.ha4neo.applier.apply.ChangeApplier;
import io.ha4neo.applier.apply.CommitChain;
import io.ha4neo.applier.cascade.CascadeRefusedException;
import io.ha4neo.applier.cascade.CascadeRelay;
import io.ha4neo.applier.config.ApplierConfig;
import io.ha4neo.applier.loop.ApplierLoop;
import io.ha4neo.applier.loop.Backoff;
import io.ha4neo.applier.observe.ApplierMetrics;
import io.ha4neo.applier.observe.ApplierStatus;
import io.ha4neo.applier.observe.HealthEndpoints;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import io.ha4neo.applier.standby.StandbyStore;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.config.ConfigException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sink applier service: consumes the replication topic and applies it to a standby Neo4j.
 *
 * <pre>
 * java -jar sink-applier-all.jar --config applier.properties
 * HA4NEO_NEO4J_URI=bolt://standby:7687 HA4NEO_TOPIC=ha4neo.dc1.neo4j \
 *   HA4NEO_KAFKA_BOOTSTRAP_SERVERS=kafka:9092 java -jar sink-applier-all.jar
 * </pre>
 *
 * Exit codes: 0 after SIGTERM/SIGINT (the current batch finished, nothing half-done), 1 on a fatal error,
 * 2 on invalid configuration. A container should restart the process on non-zero exit.
 */
@Command(name = "ha4neo-applier", mixinStandardHelpOptions = true,
        description = "Applies the ha4neo replication log from Kafka to a standby Neo4j, exactly once.")
public final class ApplierMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ApplierMain.class);

    @Option(names = "--config", description = "Properties file; HA4NEO_* environment variables override it.")
    Path configFile;

    @Option(names = "--print-config-reference",
            description = "Print the configuration reference (the README's Markdown section) and exit.")
    boolean printReference;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApplierMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (printReference) {
            System.out.println(ApplierConfig.DEF.toMarkdownSection(ApplierConfig.README_SECTION));
            return 0;
        }
        ApplierConfig config;
        try {
            config = ApplierConfig.load(configFile, System.getenv());
        } catch (ConfigException e) {
            log.error("invalid configuration: {}. Applier not started; fix the configuration and restart.", e.getMessage());
            return 2;
        }
        return run(config);
    }

    /** Wires the service from the configuration and runs it until stopped or failed. */
    static int run(ApplierConfig config) throws Exception {
        logEffectiveConfiguration(config);
        Clock clock = Clock.systemUTC();
        ApplierMetrics metrics = new ApplierMetrics(clock);
        ApplierStatus status = new ApplierStatus(metrics::stateChanged);
        metrics.stateChanged(status.state());
        AtomicReference<ApplierLoop> loopRef = new AtomicReference<>();
        AtomicReference<CascadeRefusedException> refused = new AtomicReference<>();
        try (Driver driver = driver(config);
             HealthEndpoints http = config.metricsPort() == 0 ? null
                     : HealthEndpoints.start(config.metricsPort(), metrics, status, config.readyMaxLag());
             CascadeRelay relay = config.cascadeTopic().map(target -> CascadeRelay.overKafka(config.topic(), target,
                     config.cascadeConnectionProperties(), e -> {
                         refused.set(e);
                         loopRef.get().requestStop();
                     })).orElse(null)) {
            ApplierLoop loop = newLoop(config, driver, new ApplierLoop.Reporting(metrics, status,
                    relay == null ? w -> { } : relay::standbyAt), clock);
            loopRef.set(loop);
            if (relay != null) {
                relay.start();
            }
            StopSignals.onTermination(loop::requestStop);
            int exit = loop.run();
            if (refused.get() != null) {
                log.error("invalid configuration: {}. Applier stopped; fix {} and restart.",
                        refused.get().getMessage(), ApplierConfig.CASCADE_TOPIC);
                return 2;
            }
            return exit;
        }
    }

    /** The one start-up line with the effective configuration, secrets masked. */
    static void logEffectiveConfiguration(ApplierConfig config) {
        log.info("starting ha4neo applier with configuration {}", config.describe());
        if (!config.applyWindow().isOpen()) {
            log.info("point in time: this applier {}", config.applyWindow().describe());
        }
    }

    private static ApplierLoop newLoop(ApplierConfig config, Driver driver, ApplierLoop.Reporting reporting,
                                       Clock clock) {
        StandbyStore store = new Neo4jStandbyStore(driver, config.neo4jUri(), config.neo4jDatabase(),
                config.schemaAwaitSeconds());
        ChangeApplier applier = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(config.skipCommitId()),
                config.neo4jDatabase(), config.schemaAwaitSeconds(), clock);
        EventCodec codec = Codecs.codec(config);
        ApplierLoop.Source source = new ApplierLoop.Source(new KafkaConsumer<>(config.consumerProperties()),
                config.topic(), codec, Codecs.chunkAssembler(codec));
        ApplierLoop.BatchPolicy policy = new ApplierLoop.BatchPolicy(config.batchMaxTransactions(),
                config.batchMaxChanges(), config.batchLinger());
        return new ApplierLoop(source, new ApplierLoop.Target(applier, store, config.memberRoleCheckInterval(),
                config.applyWindow()), policy,
                new Backoff(config.retryBackoffInitial(), config.retryBackoffMax()),
                reporting, clock);
    }

    private static Driver driver(ApplierConfig config) {
        return config.neo4jAuthDisabled()
                ? GraphDatabase.driver(config.neo4jUri(), AuthTokens.none())
                : GraphDatabase.driver(config.neo4jUri(), AuthTokens.basic(config.neo4jUser(), config.neo4jPassword()));
    }
}
