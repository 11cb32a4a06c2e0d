package io.ha4neo.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the class archive is made again, and which JVM options use it. */
class Neo4jClassArchiveTest {
    @TempDir
    Path dir;

    @Test
    void anArchiveIsCurrentOnlyWhileNoJarOfTheLibDirIsNewer() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path jar = Files.writeString(lib.resolve("neo4j-kernel.jar"), "x");
        Path archive = dir.resolve(Neo4jClassArchive.FILE_NAME);
        assertThat(Neo4jClassArchive.isCurrent(archive, lib)).as("missing").isFalse();

        Files.writeString(archive, "cds");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(Neo4jClassArchive.isCurrent(archive, lib)).isTrue();

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(Neo4jClassArchive.isCurrent(archive, lib)).as("a jar rebuilt after the archive").isFalse();
    }

    @Test
    void serversUseTheArchiveOnlyWhenThereIsOne() {
        assertThat(Neo4jClassArchive.jvmOptions(Optional.empty())).isEmpty();
        assertThat(Neo4jClassArchive.jvmOptions(Optional.of(Path.of("/t/a.jsa"))))
                .containsExactly("-XX:SharedArchiveFile=/t/a.jsa");
    }
}
