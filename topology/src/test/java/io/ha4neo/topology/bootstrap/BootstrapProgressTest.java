package io.ha4neo.topology.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BootstrapProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void beforeAnythingIsAppliedThereIsNoRateAndNoEta() {
        BootstrapProgress p = new BootstrapProgress(0);
        p.update(6_000, 2_000, 0, 3 * SECOND);

        assertThat(p.ratePerSecond()).isZero();
        assertThat(p.etaSeconds()).isEqualTo(-1);
        assertThat(p.line()).isEqualTo("sent 2,000 of 6,000 entities (33 %), applied 0 (0 %), 0 entities/s, ETA --");
    }

    @Test
    void theRateIsOfThisInvocationSoAResumedRunDoesNotCountWhatWasAppliedBefore() {
        BootstrapProgress p = new BootstrapProgress(0);
        p.update(10_000, 5_000, 4_000, 0); // resumed: 4000 applied before this invocation
        p.update(10_000, 8_000, 6_000, 4 * SECOND);

        assertThat(p.ratePerSecond()).isEqualTo(500);
        assertThat(p.etaSeconds()).isEqualTo(8);
        assertThat(p.line()).isEqualTo("sent 8,000 of 10,000 entities (80 %), applied 6,000 (60 %), 500 entities/s, "
                + "ETA 8 s");
    }

    @Test
    void theBarShowsAppliedAsHashesAndSentButNotAppliedAsPluses() {
        BootstrapProgress p = new BootstrapProgress(0);
        p.update(100, 50, 0, 0);
        p.update(100, 50, 20, 200 * SECOND);

        assertThat(p.bar(10)).isEqualTo("[##+++     ]  20 % 20/100 0/s ETA --");
        p.update(100, 100, 100, 300 * SECOND);
        assertThat(p.bar(10)).startsWith("[##########] 100 % 100/100");
    }

    @Test
    void longEtasAreInMinutes() {
        BootstrapProgress p = new BootstrapProgress(0);
        p.update(1_000_000, 0, 0, 0);
        p.update(1_000_000, 20_000, 10_000, 10 * SECOND);

        assertThat(p.etaSeconds()).isEqualTo(990);
        assertThat(p.line()).endsWith("ETA 16 min 30 s");
    }
}
