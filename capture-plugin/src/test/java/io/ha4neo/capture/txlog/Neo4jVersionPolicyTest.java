package io.ha4neo.capture.txlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The transaction-log reader's version gate, as a pure function of Neo4j's release version string. */
class Neo4jVersionPolicyTest {
    @Test
    void acceptsThe526LtsLine() {
        assertThat(Neo4jVersionPolicy.supports("5.26.16")).isTrue();
        assertThat(Neo4jVersionPolicy.supports("5.26.0")).isTrue();
        assertThat(Neo4jVersionPolicy.supports("5.26.21")).isTrue();
    }

    @Test
    void refusesEveryOtherVersionStringIncludingCalendarReleasesAndDevBuilds() {
        for (String version : new String[] {"5.25.1", "5.27.0", "4.4.40", "2025.10.1", "2025.01.0", "5.26",
            "5.26.16-SNAPSHOT", "5.26.x", "15.26.1", "dev", "", " 5.26.16"}) {
            assertThat(Neo4jVersionPolicy.supports(version)).as(version).isFalse();
        }
        assertThat(Neo4jVersionPolicy.supports(null)).isFalse();
    }

    @Test
    void theRefusalNamesTheVersionWhatIsSupportedAndWhatToDoInstead() {
        assertThatThrownBy(() -> Neo4jVersionPolicy.check("2025.10.1"))
                .isInstanceOf(UnsupportedNeo4jVersionException.class)
                .hasMessageContaining("Neo4j 2025.10.1 is not supported")
                .hasMessageContaining("5.26.x")
                .hasMessageContaining("ha4neo bootstrap")
                .satisfies(e -> assertThat(((UnsupportedNeo4jVersionException) e).version()).isEqualTo("2025.10.1"));
        assertThatThrownBy(() -> Neo4jVersionPolicy.check(null)).hasMessageContaining("(unknown version)");
    }

    @Test
    void onAnUnsupportedVersionCaptureSaysOnceWhatIsMissingAndOnTheLtsNothing() {
        assertThat(Neo4jVersionPolicy.startupNotice("5.26.16")).isEmpty();
        assertThat(Neo4jVersionPolicy.startupNotice("2025.10.1")).hasValueSatisfying(line -> assertThat(line)
                .startsWith("capture runs on Neo4j 2025.10.1, but repair from its transaction log is not available")
                .contains("5.26.x").contains("gap event").contains("ha4neo bootstrap").doesNotContain("\n"));
    }

    @Test
    void acceptsTheRunningVersionSilently() throws Exception {
        Neo4jVersionPolicy.check("5.26.16");
    }
}
