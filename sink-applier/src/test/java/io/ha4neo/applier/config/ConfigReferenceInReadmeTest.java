package io.ha4neo.applier.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.config.ConfigDef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's applier configuration section is the one generated from {@link ApplierConfig#DEF}. */
class ConfigReferenceInReadmeTest {

    @Test
    void readmeConfigurationSectionMatchesTheDeclarations() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(ConfigDef.markdownSection(readme, ApplierConfig.README_SECTION))
                .as("README.md applier section; replace it with the output of "
                        + "java -jar sink-applier-*-all.jar --print-config-reference")
                .hasValue(ApplierConfig.DEF.toMarkdownSection(ApplierConfig.README_SECTION));
    }
}
