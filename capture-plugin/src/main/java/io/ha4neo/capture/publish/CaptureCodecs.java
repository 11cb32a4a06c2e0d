package io.ha4neo.capture.publish;

import io.ha4neo.capture.config.CaptureConfig;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.registry.SchemaRegistryClient;
import io.ha4neo.schemas.registry.SchemaRegistryException;
import io.ha4neo.schemas.topology.TopicNames;
import java.net.URI;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.neo4j.logging.InternalLog;

/**
 * The event codec of the configured mode ({@code ha4neo.schema.registry.url}): embedded (empty, the default) or
 * registry. Every place in the plugin that encodes or decodes records gets its codec here.
 *
 * <p>Registry mode never makes a commit wait for the registry: {@link #forPublishing} sets the subject's
 * compatibility and registers the schema when capture starts, before Neo4j opens the database for client writes
 * (and when a promotion starts capture), and the codec it returns encodes without network. The sequencer's sink
 * ({@code ChainWriter}) turns an encode failure into a gap event, so an encoding that asked the registry would turn a
 * registry outage into lost commits; resolving the id up front makes that impossible. A registry that does not answer
 * within {@code ha4neo.schema.registry.timeout.ms} keeps capture (and so the database) from starting, with an error
 * naming the URL.
 *
 * <pre>{@code
 * EventCodec codec = CaptureCodecs.forPublishing(config, log, System::currentTimeMillis);  // at capture start
 * EventCodec reader = CaptureCodecs.forReading(config);                                    // spool, topic records
 * }</pre>
 */
public final class CaptureCodecs {
    /** Longest wait of one registry request. */
    static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final long RETRY_PAUSE_MILLIS = 1_000;

    private CaptureCodecs() {
    }

    /**
     * A codec that decodes records of the configured mode: in registry mode it fetches a writer schema id from the
     * registry the first time it sees it (cached), so it needs the registry only then.
     */
    public static EventCodec forReading(CaptureConfig config) {
        return config.schemaRegistryUrl().isEmpty() ? EventCodecs.embedded(config.chunkMaxBytes())
                : EventCodecs.registry(client(config), subject(config), config.chunkMaxBytes());
    }

    /**
     * The codec capture encodes with, ready to encode without network. In registry mode: sets the subject's
     * compatibility to BACKWARD (a stricter level stays) and registers the current schema, retrying while the
     * registry is unavailable, up to {@code ha4neo.schema.registry.timeout.ms}.
     *
     * @throws IllegalStateException naming the URL, subject and what to fix, when the registry refuses, or does not
     *         answer in time
     */
    public static EventCodec forPublishing(CaptureConfig config, InternalLog log, LongSupplier clockMillis)
            throws InterruptedException {
        if (config.schemaRegistryUrl().isEmpty()) {
            return EventCodecs.embedded(config.chunkMaxBytes());
        }
        SchemaRegistryClient client = client(config);
        EventCodecs.Registered registered = register(config, client, log, clockMillis);
        log.info("ha4neo: registry mode: event schema registered under subject %s of %s as id %d; compatibility %s%s",
                registered.subject(), client.baseUrl(), registered.schemaId(), registered.compatibility(),
                registered.compatibilityChanged() ? " (was " + registered.compatibilityBefore().orElse("not set")
                        + ")" : "");
        return registered.codec();
    }

    private static EventCodecs.Registered register(CaptureConfig config, SchemaRegistryClient client, InternalLog log,
                                                   LongSupplier clockMillis) throws InterruptedException {
        long deadline = clockMillis.getAsLong() + config.schemaRegistryTimeoutMillis();
        boolean warned = false;
        while (true) {
            try {
                return EventCodecs.registered(client, subject(config), config.chunkMaxBytes());
            } catch (SchemaRegistryException e) {
                if (!e.isRetriable()) {
                    throw refused(config, e, "the registry refused: fix " + CaptureConfig.PREFIX
                            + "schema.registry.url or " + CaptureConfig.PREFIX + "schema.registry.basic.auth.user.info "
                            + "(or the subject's schemas on the registry) and restart the database");
                }
                if (clockMillis.getAsLong() + RETRY_PAUSE_MILLIS > deadline) {
                    throw refused(config, e, "the registry did not answer within " + config.schemaRegistryTimeoutMillis()
                            + " ms (" + CaptureConfig.PREFIX + "schema.registry.timeout.ms): start it (or fix the URL) "
                            + "and restart the database, or raise the timeout");
                }
                if (!warned) {
                    log.warn("ha4neo: the Schema Registry at %s is not available (%s); retrying for up to %d ms "
                            + "(ha4neo.schema.registry.timeout.ms) before database '%s' refuses to start",
                            client.baseUrl(), e.getMessage(), config.schemaRegistryTimeoutMillis(), config.database());
                    warned = true;
                }
                Thread.sleep(RETRY_PAUSE_MILLIS);
            }
        }
    }

    private static IllegalStateException refused(CaptureConfig config, SchemaRegistryException e, String fix) {
        return new IllegalStateException("database '" + config.database() + "': capture cannot start in registry mode: "
                + "the event schema could not be registered under subject " + subject(config) + " at "
                + config.schemaRegistryUrl().map(URI::toString).orElse("?") + ": " + e.getMessage() + ". " + fix, e);
    }

    private static SchemaRegistryClient client(CaptureConfig config) {
        Duration timeout = Duration.ofMillis(Math.min(config.schemaRegistryTimeoutMillis(),
                MAX_REQUEST_TIMEOUT.toMillis()));
        return SchemaRegistryClient.builder(config.schemaRegistryUrl().orElseThrow())
                .basicAuthUserInfo(config.schemaRegistryUserInfo())
                .connectTimeout(timeout).requestTimeout(timeout).build();
    }

    /** The subject of the topic's record values: {@code <topic>-value}. */
    public static String subject(CaptureConfig config) {
        return TopicNames.valueSubject(config.topic());
    }
}
