package io.ha4neo.capture.status;

import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.MetricNames;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.function.ToDoubleFunction;

/**
 * The plugin's Prometheus endpoint ({@code ha4neo.metrics.port}): one HTTP server per Neo4j process, gauges
 * computed from {@link CaptureRegistry} at scrape time, one label {@code database}.
 */
public final class CaptureMetrics {
    private static HTTPServer server;
    private static int users;

    private CaptureMetrics() {
    }

    /** Starts the endpoint on first use; later databases share it. */
    public static synchronized void acquire(String address, int port) throws IOException {
        if (port == 0) {
            return;
        }
        if (server == null) {
            PrometheusRegistry registry = new PrometheusRegistry();
            registerGauges(registry);
            server = HTTPServer.builder().hostname(address).port(port).registry(registry).buildAndStart();
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

    private static void registerGauges(PrometheusRegistry r) {
        gauge(r, MetricNames.CAPTURE_LAST_COMMITTED_ID, "Neo4j's last committed transaction id", CaptureStatus::lastCommittedId);
        gauge(r, MetricNames.CAPTURE_LAST_CAPTURED_ID, "Highest commit id put in commit order", CaptureStatus::lastCapturedId);
        gauge(r, MetricNames.CAPTURE_LAST_SPOOLED_ID, "Commit id of the last event in the spool", CaptureStatus::lastSpooledId);
        gauge(r, MetricNames.CAPTURE_LAST_PUBLISHED_ID, "Commit id of the last event acknowledged by Kafka", CaptureStatus::lastPublishedId);
        gauge(r, MetricNames.CAPTURE_SPOOL_BYTES, "Bytes of spooled events not yet published", CaptureStatus::spoolBytes);
        gauge(r, MetricNames.CAPTURE_COMMITS_BLOCKED_SECONDS, "How long commits have been blocked by a full spool",
                s -> s.spoolBlockedMillis() / 1000.0);
        gauge(r, MetricNames.CAPTURE_SEMI_SYNC_FALLBACK, "1 while semi-sync has fallen back to async", s -> s.semiSyncFallback() ? 1 : 0);
        gauge(r, MetricNames.CAPTURE_GAPS, "Detected commit-id ranges that were not captured", s -> s.gaps().size());
        gauge(r, MetricNames.STANDBY_APPLIED_COMMIT_ID, "On a standby: commit id of the last applied transaction",
                CaptureStatus::appliedCommitId);
        gauge(r, MetricNames.STANDBY_APPLY_DELAY_SECONDS, "On a standby: apply time minus origin commit time of the last "
                + "applied transaction", s -> s.applyDelayMillis() / 1000.0);
        gauge(r, MetricNames.ROLE_PRIMARY, "1 when this member is the primary", s -> "primary".equals(s.role()) ? 1 : 0);
        gauge(r, MetricNames.CAPTURE_PUBLISHER_UP, "1 while the publisher is publishing to Kafka",
                s -> PublisherState.PUBLISHING.name().equals(s.publisherState()) ? 1 : 0);
    }

    private static void gauge(PrometheusRegistry r, String name, String help, ToDoubleFunction<CaptureStatus> f) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("database")
                .callback(cb -> CaptureRegistry.all().forEach((db, m) -> cb.call(f.applyAsDouble(m.status(null)), db)))
                .register(r);
    }
}
