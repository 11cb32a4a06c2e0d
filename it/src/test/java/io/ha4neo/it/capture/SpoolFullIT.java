package io.ha4neo.it.capture;

import static io.ha4neo.it.capture.CaptureIT.awaitPublished;
import static io.ha4neo.it.capture.CaptureIT.status;
import static io.ha4neo.it.capture.CaptureIT.tagged;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.support.TestStack;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.launcher.process.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;

/**
 * The reproduction of the spool-full hang, on real processes: a primary with a 1 MiB spool, the broker killed with
 * kill -9, then more commits than fit. Commits block (the documented back-pressure), status and metrics keep
 * answering meanwhile, and once the broker is back the blocked commits resume and every one is published once.
 */
class SpoolFullIT {
    private static final int TRANSACTIONS = 60;
    private static final String PAYLOAD = "x".repeat(50 * 1024);

    @Test
    void commitsBlockedByAFullSpoolResumeWhenTheBrokerReturnsWhileStatusAndMetricsKeepAnswering() throws Exception {
        int metricsPort = FreePorts.next();
        try (TestStack stack = TestStack.builder("spool-full").withBroker()
                .withPrimary("primary", s -> s.setting("ha4neo.spool.max.bytes", "1048576")
                        .setting("ha4neo.metrics.port", Integer.toString(metricsPort))).start();
             Driver driver = stack.server("primary").driver()) {
            tagged(driver, "before", "CREATE (:Blob {i: -1})");
            awaitPublished(driver);
            stack.broker().kill();

            List<String> committed = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < TRANSACTIONS; i++) {
                    tagged(driver, "blob-" + i, "CREATE (:Blob {i: " + i + ", data: '" + PAYLOAD + "'})");
                    committed.add("blob-" + i);
                }
            });
            Record blocked = awaitBlocked(driver, writer);
            assertThat(committed.size()).as("commits before the spool filled up").isBetween(10, TRANSACTIONS - 1);
            assertThat(blocked.get(StatusColumns.SPOOL_BYTES).asLong()).isGreaterThan(900_000);
            String metrics = CompletableFuture.supplyAsync(() -> scrape(metricsPort)).get(10, TimeUnit.SECONDS);
            assertThat(gauge(metrics, MetricNames.CAPTURE_COMMITS_BLOCKED_SECONDS)).isPositive();

            stack.broker().start();
            writer.get(180, TimeUnit.SECONDS);
            awaitPublished(driver);
            assertThat(status(driver).get(StatusColumns.SPOOL_BLOCKED_MS).asLong()).isZero();

            Map<String, ?> byTag = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic())
                    .assertOrderedUnbrokenChain().byMetadata(Workload.TAG);
            assertThat(byTag).containsKey("before");
            assertThat(byTag.keySet()).containsAll(committed).hasSize(TRANSACTIONS + 1);
        }
    }

    /** Waits until the plugin reports blocked commits; every status call must answer within 10 s meanwhile. */
    private static Record awaitBlocked(Driver driver, CompletableFuture<Void> writer) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            Record s = CompletableFuture.supplyAsync(() -> status(driver)).get(10, TimeUnit.SECONDS);
            if (s.get(StatusColumns.SPOOL_BLOCKED_MS).asLong() > 0) {
                return s;
            }
            assertThat(writer).as("writer still committing into a 1 MiB spool").isNotDone();
            assertThat(System.currentTimeMillis()).as("commits blocked by the full spool: %s", s).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (Exception e) {
            throw new IllegalStateException("metrics endpoint on port " + port + " did not answer", e);
        }
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*} (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in /metrics:%n%s", name, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
