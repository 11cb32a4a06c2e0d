package io.ha4neo.topology.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class EnvReferencesTest {
    private static final Function<String, String> ENV = Map.of("A", "1", "B_2", "two$x\\y")::get;

    @Test
    void replacesEveryReferenceAndLeavesTheRestAlone() {
        assertThat(EnvReferences.resolve("${A}", ENV)).isEqualTo("1");
        assertThat(EnvReferences.resolve("pre-${A}-${B_2}-post", ENV)).isEqualTo("pre-1-two$x\\y-post");
        assertThat(EnvReferences.resolve("plain $A text", ENV)).isEqualTo("plain $A text");
    }

    @Test
    void aDoubledDollarIsALiteralReference() {
        assertThat(EnvReferences.resolve("$${A}", ENV)).isEqualTo("${A}");
    }

    @Test
    void unsetAndMalformedReferencesAreErrors() {
        assertThatThrownBy(() -> EnvReferences.resolve("${MISSING}", ENV))
                .hasMessage("environment variable MISSING is not set (referenced as ${MISSING})");
        assertThatThrownBy(() -> EnvReferences.resolve("${not closed", ENV))
                .hasMessageStartingWith("malformed environment reference");
        assertThatThrownBy(() -> EnvReferences.resolve("${1X}", ENV))
                .hasMessageStartingWith("malformed environment reference");
    }
}
