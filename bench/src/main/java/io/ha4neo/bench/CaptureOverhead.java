package io.ha4neo.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.neo4j.driver.Driver;

/**
 * Step 1, capture overhead: the same closed-loop small-transaction workload on three servers that differ only in
 * the plugin (none, async, semi-sync), in interleaved rounds (the order rotates each repetition), so machine noise
 * hits all three alike. CPU of each server and of the broker is read per round.
 */
final class CaptureOverhead {
    static final List<String> TARGETS = List.of("off", "async", "semi");

    private CaptureOverhead() {
    }

    /**
     * One measured round.
     *
     * @param target off, async or semi
     * @param repetition 1-based
     * @param txPerSecond committed transactions per second
     * @param p50Ms median commit latency
     * @param p99Ms 99th percentile commit latency
     * @param transactions committed transactions
     * @param serverCpuPer1000 CPU seconds of the server per 1,000 transactions
     * @param brokerCpuPer1000 CPU seconds of the Kafka broker per 1,000 transactions
     */
    record Round(String target, int repetition, double txPerSecond, double p50Ms, double p99Ms, long transactions,
                 double serverCpuPer1000, double brokerCpuPer1000) {
    }

    /**
     * Medians over the repetitions per target, and ratios on ÷ off (of the medians).
     *
     * @param rounds every measured round
     * @param medians target → field → median
     * @param ratios "async/off" and "semi/off" → field → ratio
     */
    record Result(List<Round> rounds, Map<String, Map<String, Double>> medians, Map<String, Map<String, Double>> ratios) {
        double median(String target, String field) {
            return medians.get(target).get(field);
        }
    }

    static Result run(Params p, Map<String, Driver> drivers, Map<String, Long> serverPids, long brokerPid,
                      Workload workload) {
        for (String target : TARGETS) {
            new WriteLoad(drivers.get(target), workload, p.writerThreads()).closedLoop(p.warmupSeconds());
        }
        List<Round> rounds = new ArrayList<>();
        for (int rep = 1; rep <= p.repetitions(); rep++) {
            List<String> order = new ArrayList<>(TARGETS);
            Collections.rotate(order, -(rep - 1));
            for (String target : order) {
                Round r = round(p, target, rep, drivers.get(target), serverPids.get(target), brokerPid, workload);
                System.out.printf("  capture %-5s rep %d: %.0f tx/s, p50 %.2f ms, p99 %.2f ms%n", target, rep,
                        r.txPerSecond(), r.p50Ms(), r.p99Ms());
                rounds.add(r);
            }
        }
        return summarize(rounds);
    }

    private static Round round(Params p, String target, int rep, Driver driver, long pid, long brokerPid,
                               Workload workload) {
        double cpu0 = ProcStats.cpuSeconds(pid);
        double broker0 = ProcStats.cpuSeconds(brokerPid);
        WriteLoad.Result r = new WriteLoad(driver, workload, p.writerThreads()).closedLoop(p.roundSeconds());
        double cpu = ProcStats.perThousand(cpu0, ProcStats.cpuSeconds(pid), r.transactions());
        double broker = ProcStats.perThousand(broker0, ProcStats.cpuSeconds(brokerPid), r.transactions());
        return new Round(target, rep, r.txPerSecond(), r.latency().p50Ms(), r.latency().p99Ms(), r.transactions(),
                cpu, broker);
    }

    private static Result summarize(List<Round> rounds) {
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        for (String target : TARGETS) {
            List<Round> mine = rounds.stream().filter(r -> r.target().equals(target)).toList();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("txPerSecond", Stats.median(mine, Round::txPerSecond));
            m.put("p50Ms", Stats.median(mine, Round::p50Ms));
            m.put("p99Ms", Stats.median(mine, Round::p99Ms));
            m.put("serverCpuPer1000", Stats.median(mine, Round::serverCpuPer1000));
            m.put("brokerCpuPer1000", Stats.median(mine, Round::brokerCpuPer1000));
            medians.put(target, m);
        }
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        for (String on : List.of("async", "semi")) {
            Map<String, Double> r = new LinkedHashMap<>();
            for (String field : List.of("txPerSecond", "p50Ms", "p99Ms", "serverCpuPer1000")) {
                r.put(field, medians.get(on).get(field) / medians.get("off").get(field));
            }
            ratios.put(on + "/off", r);
        }
        return new Result(rounds, medians, ratios);
    }

    /** Small statistics helpers. */
    static final class Stats {
        private Stats() {
        }

        static <T> double median(List<T> items, ToDoubleFunction<T> field) {
            double[] v = items.stream().mapToDouble(field).sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
    }
}
