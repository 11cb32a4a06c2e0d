package io.ha4neo.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.launcher.process.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackCredentialsTest {
    @TempDir
    Path stateDir;

    @Test
    void firstUpGeneratesBothPasswordsIntoAnOwnerOnlyFileAndLaterUpsReuseThem() throws Exception {
        StackCredentials first = StackCredentials.loadOrGenerate(stateDir);
        Path file = StackCredentials.file(stateDir);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(first.admin().user()).isEqualTo("neo4j");
        assertThat(first.applier().user()).isEqualTo(Credentials.APPLIER_USER);
        assertThat(first.admin().password()).hasSize(Credentials.GENERATED_LENGTH)
                .isNotEqualTo(first.applier().password());
        assertThat(Files.readString(file)).contains("admin.password=" + first.admin().password(),
                "applier.password=" + first.applier().password());
        assertThat(StackCredentials.loadOrGenerate(stateDir)).isEqualTo(first);
        assertThat(stateDir.resolve("credentials.tmp")).doesNotExist();
    }

    @Test
    void aFileSomeoneMadeReadableToOthersIsRestrictedAgainOnTheNextUp() throws Exception {
        StackCredentials.loadOrGenerate(stateDir);
        Path file = StackCredentials.file(stateDir);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        StackCredentials.loadOrGenerate(stateDir);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anIncompleteFileNamesTheMissingKeyAndTheFix() throws Exception {
        Files.writeString(StackCredentials.file(stateDir), "admin.user=neo4j\nadmin.password=long-enough-1\n"
                + "applier.user=ha4neo_applier\n");
        assertThatThrownBy(() -> StackCredentials.read(stateDir)).hasMessageContaining("has no applier.password")
                .hasMessageContaining("delete the file");
    }

    @Test
    void noFileMeansNoCredentials() {
        assertThat(StackCredentials.read(stateDir)).isEmpty();
    }

    @Test
    void shellExportsQuoteThePasswordForEval() {
        assertThat(Ha4neoCli.ShowCredentials.shellQuoted("plain123")).isEqualTo("'plain123'");
        assertThat(Ha4neoCli.ShowCredentials.shellQuoted("it's $x")).isEqualTo("'it'\\''s $x'");
    }
}
