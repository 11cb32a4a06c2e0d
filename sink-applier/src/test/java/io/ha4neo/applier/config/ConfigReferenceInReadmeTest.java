package io.ha4neo.applier.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's applier configuration table is the one generated from {@link ApplierConfig}. */
class ConfigReferenceInReadmeTest {

    @Test
    void readmeConfigurationTableMatchesTheDeclarations() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- applier-config:begin -->\n";
        String end = "<!-- applier-config:end -->";
        String table = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
        assertThat(table)
                .as("README.md applier table; regenerate it with java -jar sink-applier-*-all.jar --print-config-reference")
                .isEqualTo(ApplierConfig.markdownReference());
    }
}
