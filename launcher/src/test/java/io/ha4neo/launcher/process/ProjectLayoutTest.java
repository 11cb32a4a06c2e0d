package io.ha4neo.launcher.process;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLayoutTest {
    @Test
    void missingArtifactNamesTheMavenCommandThatBuildsIt(@TempDir Path emptyProject) {
        ProjectLayout layout = ProjectLayout.at(emptyProject);
        assertThatThrownBy(layout::kafkaLibDir).hasMessageContaining("runtimes/kafka-broker/target/lib is missing")
                .hasMessageContaining("mvn -q -DskipTests install -pl runtimes/kafka-broker -am");
        assertThatThrownBy(layout::neo4jCalendarLibDir).hasMessageContaining("-pl runtimes/neo4j-server-2025");
        assertThatThrownBy(layout::pluginJar).hasMessageContaining("-pl capture-plugin");
    }
}
