package io.ha4neo.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the applier's credentials are handed over; no process is started. */
class ApplierProcessTest {
    @TempDir
    Path dir;

    @Test
    void credentialsPutTheUserInThePropertiesAndThePasswordOnlyInTheEnvironment() {
        Credentials applier = Credentials.generated(Credentials.APPLIER_USER);
        ApplierProcess process = builder().neo4jCredentials(applier).build();
        assertThat(process.properties()).containsEntry("neo4j.user", "ha4neo_applier")
                .doesNotContainKey("neo4j.password").doesNotContainValue(applier.password());
        assertThat(process.environment()).containsEntry("HA4NEO_NEO4J_PASSWORD", applier.password());
        assertThat(process.credentials()).isEqualTo(applier);
    }

    @Test
    void credentialsAndAPasswordPropertyTogetherAreRefused() {
        assertThatThrownBy(() -> builder().property("neo4j.password", "")
                .neo4jCredentials(Credentials.generated("u")).build())
                .hasMessageContaining("neo4j.password").hasMessageContaining("u/****");
    }

    private ApplierProcess.Builder builder() {
        return ApplierProcess.builder(dir.resolve("applier.jar"), dir.resolve("applier"),
                ProcessReaper.forStateRoot(dir)).property("neo4j.uri", "bolt://127.0.0.1:7687");
    }
}
