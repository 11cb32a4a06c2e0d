package io.ha4neo.topology.verify;

import static io.ha4neo.topology.verify.InMemoryGraph.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.topology.verify.Settlement.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettlementTest {
    private static Sighting seen(long v) {
        return Sighting.byKey(List.of(node("k", List.of("N"), Map.of("v", v))), false).get("k");
    }

    @Test
    void aStandbyThatEqualsEitherPrimaryReadMatchesAndOneThatDiffersFromAStillPrimaryDiffers() {
        assertThat(Settlement.judge(seen(1), seen(1), seen(1))).isEqualTo(Verdict.MATCHES);
        assertThat(Settlement.judge(seen(1), seen(2), seen(2))).isEqualTo(Verdict.MATCHES); // caught up meanwhile
        assertThat(Settlement.judge(seen(1), seen(1), seen(2))).isEqualTo(Verdict.MATCHES); // primary moved on
        assertThat(Settlement.judge(null, null, null)).isEqualTo(Verdict.MATCHES);            // gone on both
        assertThat(Settlement.judge(seen(1), seen(2), seen(1))).isEqualTo(Verdict.DIFFERS);
        assertThat(Settlement.judge(seen(1), null, seen(1))).isEqualTo(Verdict.DIFFERS);
        assertThat(Settlement.judge(null, seen(1), null)).isEqualTo(Verdict.DIFFERS);
        assertThat(Settlement.judge(seen(1), seen(3), seen(2))).isEqualTo(Verdict.UNSTABLE);
        assertThat(Settlement.judge(null, seen(3), seen(2))).isEqualTo(Verdict.UNSTABLE);
    }

    @Test
    void aCandidateIsADifferenceOnlyWhenItNeverMatchedAndDifferedAtLeastOnce() {
        Settlement s = new Settlement();
        for (String key : List.of("matched", "differed", "unstable", "differedThenUnstable")) {
            s.add(new Candidate(EntityKind.NODE, key, Set.of()));
        }

        s.record(EntityKind.NODE, "matched", seen(1), seen(2), seen(1));
        s.record(EntityKind.NODE, "differed", seen(1), seen(2), seen(1));
        s.record(EntityKind.NODE, "unstable", seen(1), seen(5), seen(2));
        s.record(EntityKind.NODE, "differedThenUnstable", seen(1), seen(2), seen(1));
        s.record(EntityKind.NODE, "matched", seen(1), seen(1), seen(1));
        s.record(EntityKind.NODE, "differed", seen(1), seen(2), seen(1));
        s.record(EntityKind.NODE, "unstable", seen(2), seen(5), seen(3));
        s.record(EntityKind.NODE, "differedThenUnstable", seen(3), seen(2), seen(4));

        assertThat(s.differences()).extracting(Difference::key).containsExactly("differed", "differedThenUnstable");
        assertThat(s.unsettled()).extracting(Difference::key).containsExactly("unstable");
        assertThat(s.differences().get(1).primary()).as("the sightings of its last differing round")
                .isEqualTo(":N {v: INTEGER 1}");
        assertThat(s.size()).isEqualTo(3);
        assertThatThrownBy(() -> s.record(EntityKind.NODE, "matched", null, null, null))
                .hasMessageContaining("node matched is no open candidate");
    }

    @Test
    void addingAnOpenCandidateAgainKeepsTheStartKeysOfBoth() {
        Settlement s = new Settlement();
        s.add(new Candidate(EntityKind.RELATIONSHIP, "r", Set.of("a")));
        s.add(new Candidate(EntityKind.RELATIONSHIP, "r", Set.of("b")));

        assertThat(s.open(EntityKind.RELATIONSHIP)).singleElement()
                .satisfies(c -> assertThat(c.startKeys()).containsExactlyInAnyOrder("a", "b"));
        assertThat(s.open(EntityKind.NODE)).isEmpty();
    }
}
