package io.ha4neo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogRepairCostTest {

    @Test
    void theRepairLinesOfNeo4jsLogAreParsedInOrder() {
        String log = """
                2026-12-07 09:00:00.000+0000 INFO  Started.
                2026-12-07 09:00:01.000+0000 WARN  ha4neo: repaired commit ids 207..385 (179 touching entities): 111 \
                node images, 3 relationship images, 2 node deletions, 0 relationship deletions from Neo4j's transaction \
                log in 32 ms; they were committed but lost with the spool's tail (the spool accounted for commit ids up \
                to 0, the topic holds up to 206). One repair event takes their place in the chain, and the standbys \
                continue without a reseed
                2026-12-07 09:00:02.000+0000 WARN  ha4neo: the spool accounts only for commit ids up to 0
                2026-12-07 09:05:01.000+0000 WARN  ha4neo: repaired commit ids 2400..4399 (2000 touching entities): \
                2000 node images, 0 relationship images, 0 node deletions, 0 relationship deletions from Neo4j's \
                transaction log in 1234 ms; they were committed
                """;

        assertThat(LogRepairCost.parse(log)).containsExactly(new LogRepairCost.RepairLine(207, 385, 179, 32),
                new LogRepairCost.RepairLine(2400, 4399, 2000, 1234));
        assertThat(LogRepairCost.parse("ha4neo: repaired nothing")).isEmpty();
    }

    @Test
    void theResultHasTheMedianAndTheSpreadOfTheRatios() {
        LogRepairCost.Result r = LogRepairCost.Result.of(8, 2, List.of(repetition(1, 4000, 80),
                repetition(2, 5000, 50), repetition(3, 2000, 60)));

        assertThat(r.medianRatio()).isEqualTo(0.02);
        assertThat(r.minRatio()).isEqualTo(0.01);
        assertThat(r.maxRatio()).isEqualTo(0.03);
    }

    @Test
    void theReportHasTheGoalAndOneRowPerRepetition() {
        LogRepairCost.Result repair = LogRepairCost.Result.of(8, 2, List.of(repetition(1, 4000, 80),
                repetition(2, 5000, 50)));
        BenchResults results = new BenchResults("quick", "java -jar bench.jar --only repair", "2026-12-07T09:00:00Z",
                60, Map.of("cores", "2"), Params.quick(), null, null, null, null, null, null, null, null, "0.1",
                repair, null);

        String md = Report.markdown(results);

        assertThat(md).contains("| repair from Neo4j's transaction log ÷ normal capture of as many transactions ≤ 2.00× "
                + "(step 7, median) | 0.015× (0.010×–0.020×) | yes |");
        assertThat(md).contains("## 7. Repair from the transaction log (2000 transactions per phase, 8 client threads");
        assertThat(md).contains("| 1 | 2000 | 4000 (3000) | 80 | 0.020× | 101..2100 (2000) | 12.0 | 900 |");
        assertThat(md).contains("**T_repair ÷ T_capture: median 0.015×** (min 0.010×, max 0.020×)");
    }

    private static LogRepairCost.Repetition repetition(int rep, double captureMillis, long repairMillis) {
        return new LogRepairCost.Repetition(rep, 2000, captureMillis, captureMillis - 1000, 101, 2100, 2000,
                repairMillis, 12_000, 900, repairMillis / captureMillis);
    }
}
