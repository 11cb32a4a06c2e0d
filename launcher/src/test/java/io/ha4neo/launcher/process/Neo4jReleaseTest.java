package io.ha4neo.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which JDK runs each release's servers; no process is started. */
class Neo4jReleaseTest {
    private static final String RUNNING_JAVA = "/running/jdk/bin/java";

    @TempDir
    Path dir;

    @Test
    void theLtsRunsOnTheBuildsOwnJvmWhateverTheEnvironmentSays() {
        Path jdk25 = jdk("jdk25");
        assertThat(Neo4jRelease.LTS_5_26.javaBinary(Map.of(Neo4jRelease.JAVA21_HOME_ENV, jdk25.toString()), 17,
                RUNNING_JAVA, jdk25)).isEqualTo(RUNNING_JAVA);
    }

    @Test
    void theCalendarReleaseRunsOnTheJdkTheEnvironmentNamesFirst() {
        Path fromEnv = jdk("from-env");
        assertThat(Neo4jRelease.CALENDAR_2025.javaBinary(Map.of(Neo4jRelease.JAVA21_HOME_ENV, fromEnv.toString()), 25,
                RUNNING_JAVA, jdk("default"))).isEqualTo(fromEnv.resolve("bin/java").toString());
    }

    @Test
    void theCalendarReleaseRunsOnTheBuildsJvmWhenItIsRecentEnoughAndNoJdkIsNamed() {
        assertThat(Neo4jRelease.CALENDAR_2025.javaBinary(Map.of(), 21, RUNNING_JAVA, jdk("default")))
                .isEqualTo(RUNNING_JAVA);
    }

    @Test
    void theCalendarReleaseRunsOnTheDefaultJdkWhenTheBuildRunsOnJava17() {
        Path fallback = jdk("default");
        assertThat(Neo4jRelease.CALENDAR_2025.javaBinary(Map.of(), 17, RUNNING_JAVA, fallback))
                .isEqualTo(fallback.resolve("bin/java").toString());
    }

    @Test
    void withoutAJdk21TheErrorNamesTheEnvironmentVariableAndTheDefaultHome() {
        Path absent = dir.resolve("no-such-jdk");
        assertThatThrownBy(() -> Neo4jRelease.CALENDAR_2025.javaBinary(Map.of(), 17, RUNNING_JAVA, absent))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs Java 21 or later")
                .hasMessageContaining(Neo4jRelease.JAVA21_HOME_ENV).hasMessageContaining(absent.toString());
    }

    @Test
    void aNamedJdkWithoutJavaIsAnErrorNotASilentFallback() {
        Path empty = dir.resolve("empty-home");
        assertThatThrownBy(() -> Neo4jRelease.CALENDAR_2025.javaBinary(
                Map.of(Neo4jRelease.JAVA21_HOME_ENV, empty.toString()), 25, RUNNING_JAVA, jdk("default")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Neo4jRelease.JAVA21_HOME_ENV + "=" + empty + " holds no bin/java");
    }

    @Test
    void eachReleaseStartsFromItsOwnLibDirAndEntryPoint() throws IOException {
        for (String lib : new String[] {"runtimes/neo4j-server/target/lib", "runtimes/neo4j-server-2025/target/lib"}) {
            Files.createDirectories(dir.resolve(lib));
            Files.writeString(dir.resolve(lib).resolve("neo4j.jar"), "");
        }
        ProjectLayout layout = ProjectLayout.at(dir);
        assertThat(Neo4jRelease.LTS_5_26.libDir(layout)).isEqualTo(dir.resolve("runtimes/neo4j-server/target/lib"));
        assertThat(Neo4jRelease.CALENDAR_2025.libDir(layout))
                .isEqualTo(dir.resolve("runtimes/neo4j-server-2025/target/lib"));
        assertThat(Neo4jRelease.LTS_5_26.mainClass()).isEqualTo("org.neo4j.server.CommunityEntryPoint");
        assertThat(Neo4jRelease.CALENDAR_2025.mainClass()).isEqualTo("org.neo4j.server.Neo4jCommunity");
    }

    /** A JDK home holding an executable bin/java. */
    private Path jdk(String name) {
        try {
            Path java = dir.resolve(name).resolve("bin").resolve("java");
            Files.createDirectories(java.getParent());
            Files.createFile(java, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            return dir.resolve(name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
