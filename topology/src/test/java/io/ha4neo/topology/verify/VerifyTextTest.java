package io.ha4neo.topology.verify;

import static io.ha4neo.topology.verify.InMemoryGraph.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.topology.verify.VerifyReport.Counts;
import io.ha4neo.topology.verify.VerifyReport.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifyTextTest {
    private static Sighting seen(String key, List<String> labels, Map<String, Object> properties) {
        return Sighting.byKey(List.of(node(key, labels, properties)), false).get(key);
    }

    private static VerifyReport report(Outcome outcome, List<Difference> differences, List<Difference> unsettled) {
        Counts nodes = new Counts(120, 121);
        Counts relationships = new Counts(80, 79);
        Counts schema = new Counts(2, 2);
        String summary = VerifyText.summary(outcome, "a", "b", nodes, relationships, schema, differences, unsettled,
                true, 10_000);
        return new VerifyReport(outcome, "a", "b", "neo4j", 0L, 2041L, 2043L, nodes, relationships, schema, 3, 5, 2,
                true, differences, unsettled, 1234, summary, null);
    }

    @Test
    void theTableShowsOnlyWhatDiffersAndTheSummaryCountsTheChanges() {
        Difference changed = Difference.of(EntityKind.NODE, "4:db:17",
                seen("4:db:17", List.of("Person"), Map.of("name", "Ann", "age", 41L)),
                seen("4:db:17", List.of("Person"), Map.of("name", "Ann", "age", 41.0)));
        Difference extra = Difference.of(EntityKind.NODE, "4:sb:3", null,
                seen("4:sb:3", List.of("Planted"), Map.of()));

        List<String> lines = VerifyText.lines(report(Outcome.DIFFERENT, List.of(changed, extra), List.of()));

        assertThat(lines).containsExactly(
                "verify a (primary) against b (standby), database neo4j, lined up at (epoch 0, commit 2041), b "
                        + "applied 2043",
                "  nodes 120 on a, 121 on b; relationships 80 on a, 79 on b; indexes and constraints 2 on a, 2 on b",
                "  compared in 3 windows; 5 suspects read again in 2 rounds; 1234 ms",
                "KEY      KIND  CHANGE           PRIMARY a        STANDBY b",
                "4:db:17  node  CHANGED          age: INTEGER 41  age: FLOAT 41.0",
                "4:sb:3   node  ONLY_ON_STANDBY  (missing)        :Planted {}",
                "DIFFERENT: 2 entities differ between a and b (1 changed, 1 only on b)");
    }

    @Test
    void longContentsAreCutInTheTableButKeptWholeInTheReport() {
        String big = "x".repeat(500);
        Difference missing = Difference.of(EntityKind.NODE, "k", seen("k", List.of("N"), Map.of("s", big)), null);

        List<String> lines = VerifyText.lines(report(Outcome.DIFFERENT, List.of(missing), List.of()));

        assertThat(lines.get(4)).hasSizeLessThan(200).contains("…");
        assertThat(missing.primary()).contains(big);
        assertThat(missing.change()).isEqualTo(Difference.Change.MISSING_ON_STANDBY);
    }

    @Test
    void jsonHasTheWholeContentsButNotTheTablesDetailColumns() throws Exception {
        Difference changed = Difference.of(EntityKind.NODE, "k", seen("k", List.of("N"), Map.of("v", 1L)),
                seen("k", List.of("N"), Map.of("v", 1.0)));

        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(changed);

        assertThat(json).isEqualTo("{\"key\":\"k\",\"kind\":\"node\",\"change\":\"CHANGED\","
                + "\"primary\":\":N {v: INTEGER 1}\",\"standby\":\":N {v: FLOAT 1.0}\"}");
    }

    @Test
    void aReportCutAtMaxDifferencesWithNothingDifferentSaysSo() {
        assertThat(VerifyText.summary(Outcome.UNSETTLED, "a", "b", new Counts(1, 1), new Counts(0, 0),
                new Counts(0, 0), List.of(), List.of(), false, 3)).isEqualTo("UNSETTLED: no difference among the "
                + "first 3 suspects, but verify stopped there (--max-differences), so there may be more; run verify "
                + "again with a higher --max-differences or fewer writes");
    }

    @Test
    void unsettledEntitiesAreListedApartAndAnErrorIsOneLine() {
        Difference hot = Difference.of(EntityKind.NODE, "k", seen("k", List.of("N"), Map.of("v", 3L)),
                seen("k", List.of("N"), Map.of("v", 1L)));

        List<String> lines = VerifyText.lines(report(Outcome.UNSETTLED, List.of(), List.of(hot)));

        assertThat(lines).contains("changed on a during every round (verify cannot tell):");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("UNSETTLED: no difference found, but 1 entity changed on a "
                + "during every round; run verify again with fewer writes or more --rounds");
        assertThat(VerifyText.lines(VerifyReport.error("a", "b", "neo4j", 5, "member 'b' (bolt://x:1) is primary, "
                + "not a standby"))).containsExactly("ERROR: member 'b' (bolt://x:1) is primary, not a standby");
    }
}
