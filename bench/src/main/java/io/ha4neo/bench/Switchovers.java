package io.ha4neo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.topology.cli.OpsCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import picocli.CommandLine;

/**
 * Step 5: planned switchovers between the async primary and its standby, through the ops CLI ({@code ha4neo
 * switchover}) exactly as an operator runs it, while one client keeps writing to whichever member is primary (a
 * refused write is retried after 20 ms). The RTO of each is the CLI's own figure: from the freeze of the old primary
 * to the promotion's return, the window in which no client write could commit.
 */
final class Switchovers {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param rtoMillis each switchover's RTO, in order
     * @param medianMillis the median RTO
     * @param minMillis the fastest
     * @param maxMillis the slowest
     * @param acknowledgedWrites client writes acknowledged during the step
     * @param longestWriteWaitMillis the longest a client write waited (retries included)
     */
    record Result(List<Long> rtoMillis, long medianMillis, long minMillis, long maxMillis, long acknowledgedWrites,
                  long longestWriteWaitMillis) {
    }

    private Switchovers() {
    }

    static Result run(int rounds, BenchStack stack, Path dir) throws Exception {
        Path cluster = clusterFile(stack, dir);
        Map<String, Neo4jServer> members = Map.of("async", stack.async, "standby", stack.standby);
        AtomicReference<String> primary = new AtomicReference<>("async");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong longestWait = new AtomicLong();
        Thread writer = new Thread(() -> write(members, primary, stop, acknowledged, longestWait), "bench-switch-writer");
        writer.start();
        List<Long> rtos = new ArrayList<>();
        try {
            for (int i = 0; i < rounds; i++) {
                String target = primary.get().equals("async") ? "standby" : "async";
                JsonNode report = switchover(cluster, target);
                long rto = report.get("rtoMillis").asLong();
                rtos.add(rto);
                primary.set(target);
                System.out.printf("  switchover %d to %s: RTO %d ms (%s)%n", i + 1, target, rto,
                        report.get("summary").asText());
                Thread.sleep(1000); // the old primary rejoins and its applier resumes before the next one
            }
        } finally {
            stop.set(true);
            writer.join(30_000);
        }
        List<Long> sorted = rtos.stream().sorted().toList();
        return new Result(rtos, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1),
                acknowledged.get(), longestWait.get());
    }

    private static JsonNode switchover(Path cluster, String target) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new OpsCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("--cluster", cluster.toString(), "--json", "switchover", "--to", target);
        if (code != 0) {
            throw new IllegalStateException("ha4neo switchover --to " + target + " exited " + code + ":\n" + out + err);
        }
        return JSON.readTree(out.toString());
    }

    private static void write(Map<String, Neo4jServer> members, AtomicReference<String> primary, AtomicBoolean stop,
                              AtomicLong acknowledged, AtomicLong longestWait) {
        Map<String, Driver> drivers = Map.of("async", members.get("async").driver(),
                "standby", members.get("standby").driver());
        try {
            while (!stop.get()) {
                long start = System.nanoTime();
                boolean done = false;
                while (!done && !stop.get()) {
                    try (Session s = drivers.get(primary.get()).session()) {
                        s.executeWriteWithoutResult(tx -> tx.run("CREATE (:Switch {at: timestamp()})").consume());
                        done = true;
                    } catch (RuntimeException refused) {
                        sleep(20);
                    }
                }
                if (done) {
                    acknowledged.incrementAndGet();
                    longestWait.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                }
                sleep(5);
            }
        } finally {
            drivers.values().forEach(Driver::close);
        }
    }

    private static Path clusterFile(BenchStack stack, Path dir) throws Exception {
        String member = """
                {"name": "%s", "bolt": "%s", "user": "%s", "password": "%s", "applierMetrics": "%s/metrics"}""";
        String text = """
                {
                  "clusterId": "%s",
                  "database": "neo4j",
                  "topic": "%s",
                  "kafka": {"bootstrapServers": "%s", "replicationFactor": 1},
                  "members": [%s, %s]
                }
                """.formatted(BenchStack.CLUSTER_ID + "-async", BenchStack.ASYNC_TOPIC, stack.broker.bootstrapServers(),
                member.formatted("async", stack.async.boltUri(), Neo4jServer.USER, stack.async.password(),
                        stack.asyncApplier.metricsBaseUrl()),
                member.formatted("standby", stack.standby.boltUri(), Neo4jServer.USER, stack.standby.password(),
                        stack.applier.metricsBaseUrl()));
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("cluster.json"), text);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
