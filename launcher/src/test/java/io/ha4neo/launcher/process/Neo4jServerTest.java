package io.ha4neo.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration a server is built with; no process is started. */
class Neo4jServerTest {
    @TempDir
    Path dir;

    @Test
    void authIsOnByDefaultWithAGeneratedPasswordPerServer() {
        Neo4jServer a = builder("a").build();
        Neo4jServer b = builder("b").build();
        assertThat(a.settings()).containsEntry("dbms.security.auth_enabled", "true");
        assertThat(a.authEnabled()).isTrue();
        assertThat(a.password()).hasSize(Credentials.GENERATED_LENGTH).isNotEqualTo(b.password());
        assertThat(a.adminCredentials()).isEqualTo(new Credentials(Neo4jServer.USER, a.password()));
    }

    @Test
    void loadCsvIsConfinedToTheServersOwnImportDirectory() {
        Neo4jServer server = builder("a").build();
        assertThat(server.importDir()).isEqualTo(dir.resolve("a").resolve("import").toAbsolutePath().normalize());
        assertThat(server.settings()).containsEntry("server.directories.import", server.importDir().toString());
    }

    @Test
    void extraUsersAreKeptWithAuthOnAndDroppedWithAuthOff() {
        Credentials applier = Credentials.generated(Credentials.APPLIER_USER);
        assertThat(builder("on").user(applier).build().users()).containsExactly(applier);
        Neo4jServer off = builder("off").user(applier).authDisabled().build();
        assertThat(off.users()).isEmpty();
        assertThat(off.settings()).containsEntry("dbms.security.auth_enabled", "false");
        assertThat(off.adminCredentials()).isNull();
    }

    @Test
    void theAdminUserIsNotAnExtraUser() {
        assertThatThrownBy(() -> builder("a").user(new Credentials(Neo4jServer.USER, "some-password")))
                .hasMessageContaining("admin user");
    }

    @Test
    void aServerBuiltToStartFirstWithoutPluginsCopiesNoneOnItsFirstStart() {
        Path plugin = dir.resolve("plugin.jar");
        Neo4jServer usual = builder("usual").plugin(plugin).build();
        Neo4jServer late = builder("late").plugin(plugin).firstStartWithoutPlugins().build();

        assertThat(usual.pluginsForNextStart()).containsExactly(plugin);
        assertThat(late.pluginsForNextStart()).as("first start").isEmpty();
    }

    @Test
    void entriesOfOtherConfFilesGoToTheirFileAndNeo4jConfEntriesStayInNeo4jConf() {
        Neo4jServer server = builder("a").confEntry("apoc.conf", "apoc.trigger.enabled", "true")
                .confEntry("apoc.conf", "apoc.trigger.refresh", "1000")
                .confEntry("neo4j.conf", "dbms.usage_report.enabled", "true").build();

        assertThat(server.confFiles()).containsOnlyKeys("apoc.conf");
        assertThat(server.confFiles().get("apoc.conf")).containsEntry("apoc.trigger.enabled", "true")
                .containsEntry("apoc.trigger.refresh", "1000").hasSize(2);
        assertThat(server.settings()).containsEntry("dbms.usage_report.enabled", "true");
    }

    private Neo4jServer.Builder builder(String name) {
        return Neo4jServer.builder(name, dir.resolve("lib"), dir.resolve(name), ProcessReaper.forStateRoot(dir));
    }
}
