package io.ha4neo.bench;

import java.util.Map;

/**
 * Everything one run measured (with {@code --only seeding}, {@code --only repair} or {@code --only zones}, every other
 * step's figures are null); written as JSON to {@code bench/results/} and rendered by {@link Report}.
 *
 * @param mode full or quick
 * @param command the command that produced it
 * @param startedAt ISO instant
 * @param wallSeconds total run time including process start-up
 * @param machine cores, memory, versions, load average
 * @param params sizes of the run
 * @param capture step 1
 * @param lag step 2
 * @param drain step 3
 * @param bulk step 4
 * @param switchover step 5: planned switchover RTO
 * @param seeding step 6: bootstrap beside dump + load, and the primary's commit rate during bootstrap and verify
 * @param peakRssMb step 5: VmHWM per process
 * @param cpuPer1000 step 5: CPU seconds per 1,000 transactions per component
 * @param loadAverageAtEnd 1/5/15 min load average when the run ended
 * @param repair step 7: a repair from Neo4j's transaction log beside normal capture of as many transactions
 * @param zones step 8 (only with {@code --only zones}): the lag to a standby in a second zone through MirrorMaker 2
 *              beside the lag to a standby of the same cluster, from the same commits
 */
record BenchResults(String mode, String command, String startedAt, double wallSeconds, Map<String, String> machine,
                    Params params, CaptureOverhead.Result capture, EndToEndLag.Result lag,
                    ApplyThroughput.Result drain, BulkReplication.Result bulk, Switchovers.Result switchover,
                    StandbySeeding.Result seeding,
                    Map<String, Double> peakRssMb,
                    Map<String, Double> cpuPer1000, String loadAverageAtEnd, LogRepairCost.Result repair,
                    ZoneLag.Result zones) {
}
