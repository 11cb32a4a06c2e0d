package io.ha4neo.applier.observe;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP endpoints on {@code metrics.port}: {@code /metrics} (Prometheus), {@code /health} (200 while
 * the process is alive) and {@code /ready} (200 when positioned and connected to Kafka and Neo4j with lag
 * within {@code ready.max.lag.ms}, else 503 with the reason).
 */
public final class HealthEndpoints implements AutoCloseable {
    private final HTTPServer server;

    private HealthEndpoints(HTTPServer server) {
        this.server = server;
    }

    /** Starts the server; the caller closes it on shutdown. */
    public static HealthEndpoints start(int port, ApplierMetrics metrics, ApplierStatus status, Duration maxLag)
            throws IOException {
        HTTPServer server = HTTPServer.builder().port(port).registry(metrics.registry())
                .defaultHandler(exchange -> route(exchange, metrics, status, maxLag)).buildAndStart();
        return new HealthEndpoints(server);
    }

    /** Readiness and its reason, pure so it can be tested. */
    static String notReadyReason(ApplierState state, String stateReason, long lagMillis, Duration maxLag) {
        if (!state.isConnected()) {
            return "state " + state + ": " + stateReason;
        }
        if (lagMillis > maxLag.toMillis()) {
            return "lag " + lagMillis + " ms exceeds ready.max.lag.ms=" + maxLag.toMillis();
        }
        return null;
    }

    private static void route(HttpExchange ex, ApplierMetrics metrics, ApplierStatus status, Duration maxLag)
            throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/health")) {
            respond(ex, 200, "alive, state " + status.state());
        } else if (path.equals("/ready")) {
            String why = notReadyReason(status.state(), status.reason(), metrics.lagMillis(), maxLag);
            respond(ex, why == null ? 200 : 503, why == null ? "ready, state " + status.state() : "not ready: " + why);
        } else {
            respond(ex, 404, "endpoints: /metrics /health /ready");
        }
    }

    private static void respond(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
