package io.ha4neo.capture.metrics;

import io.ha4neo.capture.status.CaptureStatus;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.topology.Role;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The plugin's Prometheus endpoint ({@code ha4neo.metrics.port}): one HTTP server per Neo4j process, gauges
 * computed at scrape time from a supplier of {@link CaptureStatus} by database, one label {@code database}.
 *
 * <pre>{@code
 * CaptureMetrics.acquire("127.0.0.1", 9464, CaptureRegistry::statuses);   // first database starts it
 * CaptureMetrics.release(9464);                                           // last database stops it
 * }</pre>
 */
public final class CaptureMetrics {
    private static HTTPServer server;
    private static int users;

    private CaptureMetrics() {
    }

    /**
     * Starts the endpoint on first use; later databases share it.
     *
     * @param statuses every replicated database's status; the endpoint is process-wide, so every caller passes
     *                 the same process-wide supplier and the first one is kept
     */
    public static synchronized void acquire(String address, int port, Supplier<Map<String, CaptureStatus>> statuses)
            throws IOException {
        if (port == 0) {
            return;
        }
        if (server == null) {
            server = HTTPServer.builder().hostname(address).port(port).registry(registry(statuses)).buildAndStart();
        }
        users++;
    }

    /** Stops the endpoint when the last database using it stops, so no thread outlives the plugin. */
    public static synchronized void release(int port) {
        if (port == 0 || server == null) {
            return;
        }
        if (--users == 0) {
            server.close();
            server = null;
        }
    }

    /** The gauges, reading {@code statuses} at every scrape. Package-private for tests. */
    static PrometheusRegistry registry(Supplier<Map<String, CaptureStatus>> statuses) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registerGauges(registry, statuses);
        return registry;
    }

    private static void registerGauges(PrometheusRegistry r, Supplier<Map<String, CaptureStatus>> statuses) {
        Gauges g = new Gauges(r, statuses);
        g.add(MetricNames.CAPTURE_LAST_COMMITTED_ID, "Neo4j's last committed transaction id", CaptureStatus::lastCommittedId);
        g.add(MetricNames.CAPTURE_LAST_CAPTURED_ID, "Highest commit id put in commit order", CaptureStatus::lastCapturedId);
        g.add(MetricNames.CAPTURE_LAST_SPOOLED_ID, "Commit id of the last event in the spool", CaptureStatus::lastSpooledId);
        g.add(MetricNames.CAPTURE_LAST_PUBLISHED_ID, "Commit id of the last event acknowledged by Kafka", CaptureStatus::lastPublishedId);
        g.add(MetricNames.CAPTURE_SPOOL_BYTES, "Bytes of spooled events not yet published", CaptureStatus::spoolBytes);
        g.add(MetricNames.CAPTURE_COMMITS_BLOCKED_SECONDS, "How long commits have been blocked by a full spool",
                s -> s.spoolBlockedMillis() / 1000.0);
        g.add(MetricNames.CAPTURE_SEMI_SYNC_FALLBACK, "1 while semi-sync has fallen back to async", s -> s.semiSyncFallback() ? 1 : 0);
        g.add(MetricNames.CAPTURE_GAPS, "Detected commit-id ranges that were not captured", s -> s.gaps().size());
        g.add(MetricNames.CAPTURE_REPAIRS, "Commit-id ranges repaired from Neo4j's transaction log since start-up",
                s -> s.repairs().size());
        g.add(MetricNames.STANDBY_APPLIED_COMMIT_ID, "On a standby: commit id of the last applied transaction",
                CaptureStatus::appliedCommitId);
        g.add(MetricNames.STANDBY_APPLY_DELAY_SECONDS, "On a standby: apply time minus origin commit time of the last "
                + "applied transaction", s -> s.applyDelayMillis() / 1000.0);
        g.add(MetricNames.ROLE_PRIMARY, "1 when this member is the primary", s -> Role.PRIMARY.name().equalsIgnoreCase(s.role()) ? 1 : 0);
        g.add(MetricNames.ROLE_STANDBY, "1 when this member is a standby", s -> Role.STANDBY.name().equalsIgnoreCase(s.role()) ? 1 : 0);
        g.add(MetricNames.ACCEPTS_WRITES, "1 when this member accepts client writes (the primary, not frozen)",
                s -> Role.PRIMARY.name().equalsIgnoreCase(s.role()) && !s.frozen() ? 1 : 0);
        g.add(MetricNames.CAPTURE_PUBLISHER_UP, "1 while the publisher is publishing to Kafka",
                s -> PublisherState.PUBLISHING.name().equals(s.publisherState()) ? 1 : 0);
    }

    /** Registers gauges that all read the same supplier. */
    private record Gauges(PrometheusRegistry registry, Supplier<Map<String, CaptureStatus>> statuses) {
        void add(String name, String help, ToDoubleFunction<CaptureStatus> f) {
            GaugeWithCallback.builder().name(name).help(help).labelNames("database")
                    .callback(cb -> statuses.get().forEach((db, s) -> cb.call(f.applyAsDouble(s), db)))
                    .register(registry);
        }
    }
}
