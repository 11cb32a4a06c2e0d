package io.ha4neo.it.applier;

import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.launcher.process.Logs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * Observes replication in a {@link TestStack} from the outside: the primary's {@code ha4neo.status()}, the
 * standby's watermark node, the applier's {@code /metrics}, and waiting for catch-up with a deadline.
 */
public final class Replication {
    private Replication() {
    }

    /** The primary's {@code CALL ha4neo.status()} row. */
    static Record status(Driver primary) {
        try (Session s = primary.session()) {
            return s.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
        }
    }

    /** The standby's watermark properties, empty before the first applied transaction. */
    static Optional<Map<String, Object>> watermark(Driver standby) {
        try (Session s = standby.session()) {
            return s.run("MATCH (w:" + ReservedNames.WATERMARK_LABEL + " {database: $db}) RETURN properties(w) AS p",
                    Map.of("db", TestStack.DATABASE)).list().stream().findFirst().map(r -> r.get("p").asMap());
        }
    }

    /** The watermark's commit id, 0 when there is none. */
    static long watermarkCommitId(Driver standby) {
        return watermark(standby).map(w -> ((Number) w.getOrDefault(WatermarkNode.COMMIT_ID, 0L)).longValue()).orElse(0L);
    }

    /**
     * Waits until the primary has published every spooled event and the standby's watermark names the primary's
     * last published commit id. Fails early, quoting the applier's log, when the applier process exits.
     *
     * @return the commit id both sides agree on
     */
    static long awaitCaughtUp(TestStack stack, Driver primary, Driver standby, Duration timeout) throws InterruptedException {
        return awaitCaughtUp(stack.applier(), primary, standby, timeout);
    }

    /** {@link #awaitCaughtUp(TestStack, Driver, Driver, Duration)} for a stack with several appliers: the standby's. */
    static long awaitCaughtUp(ApplierProcess applier, Driver primary, Driver standby, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing observed yet";
        while (System.nanoTime() < deadline) {
            if (!applier.isRunning()) {
                throw new AssertionError("the applier exited while waiting for catch-up; last lines of "
                        + applier.logFile() + ":\n" + Logs.tail(applier.logFile(), 40));
            }
            try {
                Record s = status(primary);
                long published = s.get(StatusColumns.LAST_PUBLISHED_ID).asLong();
                boolean drained = published >= s.get(StatusColumns.LAST_SPOOLED_ID).asLong()
                        && PublisherState.PUBLISHING.name().equals(s.get(StatusColumns.PUBLISHER_STATE).asString());
                long applied = watermarkCommitId(standby);
                last = "primary published " + published + " (spooled " + s.get(StatusColumns.LAST_SPOOLED_ID).asLong() + ", "
                        + s.get(StatusColumns.PUBLISHER_STATE).asString() + "), standby watermark " + applied;
                if (drained && applied == published && published > 0) {
                    return applied;
                }
            } catch (RuntimeException e) {
                last = "probe failed: " + e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no catch-up within " + timeout + ": " + last + "; last lines of the applier log:\n"
                + Logs.tail(applier.logFile(), 40));
    }

    /** The body of the applier's {@code GET /metrics}. */
    public static String metrics(ApplierProcess applier) throws IOException, InterruptedException {
        return metrics(applierMetrics(applier));
    }

    /** The applier's {@code /metrics} endpoint. */
    static URI applierMetrics(ApplierProcess applier) {
        return URI.create(applier.metricsBaseUrl() + "/metrics");
    }

    /** The capture plugin's endpoint of a server of this machine started with {@code ha4neo.metrics.port}. */
    static URI pluginMetrics(int port) {
        return URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    /** The body of {@code GET endpoint}, a Prometheus text exposition; fails unless it answers 200 within 5 s. */
    static String metrics(URI endpoint) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + endpoint + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The applier's state as its {@code /metrics} says ({@code ha4neo_applier_state} 1), or null when it does not answer. */
    public static String state(ApplierProcess applier) {
        try {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(MetricNames.APPLIER_STATE) + "\\{state=\"(\\w+)\"\\} 1\\.0$")
                    .matcher(metrics(applier));
            return m.find() ? m.group(1) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The value of an unlabelled gauge in a Prometheus text exposition; fails when it is absent. */
    static double gauge(String metricsText, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metricsText);
        if (!m.find()) {
            throw new AssertionError("metric " + name + " not exposed; /metrics was:\n" + metricsText);
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * Read-your-writes across members: takes the primary's bookmark ({@code ha4neo.bookmark}) and waits up to 60 s
     * on the standby until it applied that commit ({@code ha4neo.awaitCommit}); throws when it did not.
     */
    public static void awaitApplied(Driver primary, Driver standby) {
        awaitApplied(primary, standby, Duration.ofSeconds(60));
    }

    /** {@link #awaitApplied(Driver, Driver)}, waiting up to {@code timeout} on the standby. */
    public static void awaitApplied(Driver primary, Driver standby, Duration timeout) {
        org.neo4j.driver.Record mark;
        try (org.neo4j.driver.Session s = primary.session()) {
            mark = s.run(ProcedureNames.call(ProcedureNames.BOOKMARK)).single();
        }
        try (org.neo4j.driver.Session s = standby.session()) {
            s.run("CALL " + ProcedureNames.AWAIT_COMMIT + "($c, $t, $e)", java.util.Map.of("c",
                    mark.get(ProcedureNames.COMMIT_ID_COLUMN).asLong(), "t", timeout.toMillis(), "e",
                    mark.get(ProcedureNames.EPOCH_COLUMN).asLong())).consume();
        }
    }
}
