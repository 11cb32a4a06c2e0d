package io.ha4neo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void lagAloneAtAChosenLoadIsAccepted() {
        BenchMain.Options o = BenchMain.Options.parse(new String[] {"--only", "lag", "--lag-load", "0.25"});
        assertThat(o.only()).isEqualTo("lag");
        assertThat(o.lagLoad()).isEqualTo(0.25);
        assertThat(Params.full().withLagLoadFraction(o.lagLoad()).lagLoadFraction()).isEqualTo(0.25);
    }

    @Test
    void theDefaultLoadIsHalfTheMaximum() {
        BenchMain.Options o = BenchMain.Options.parse(new String[] {"--quick"});
        assertThat(o.lagLoad()).isZero();
        assertThat(Params.quick().lagLoadFraction()).isEqualTo(0.5);
    }

    @Test
    void aLoadOutsideZeroToOneIsRefusedNamingTheOption() {
        for (String bad : new String[] {"0", "1.5", "-0.1", "half"}) {
            assertThatThrownBy(() -> BenchMain.Options.parse(new String[] {"--lag-load", bad}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--lag-load " + bad);
        }
    }

    @Test
    void aStepThatCannotRunAloneIsRefused() {
        assertThatThrownBy(() -> BenchMain.Options.parse(new String[] {"--only", "drain"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seeding, repair, lag and zones");
    }

    @Test
    void repairRunsAloneWithTheRepetitionsAndSizesOfItsMode() {
        assertThat(BenchMain.Options.parse(new String[] {"--only", "repair", "--quick"}).only()).isEqualTo("repair");
        assertThat(Params.quick().repairTransactions()).isEqualTo(1_000);
        assertThat(Params.full().repairTransactions()).isEqualTo(20_000);
        assertThat(Params.full().withLagLoadFraction(0.3).repairTransactions()).isEqualTo(20_000);
    }

    @Test
    void zonesRunAloneAndTakeTheLagLoad() {
        BenchMain.Options o = BenchMain.Options.parse(new String[] {"--only", "zones", "--quick", "--lag-load", "0.3"});
        assertThat(o.only()).isEqualTo("zones");
        assertThat(o.quick()).isTrue();
        assertThat(o.lagLoad()).isEqualTo(0.3);
    }
}
