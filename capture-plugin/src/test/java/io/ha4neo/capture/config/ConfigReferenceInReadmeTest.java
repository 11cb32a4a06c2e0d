package io.ha4neo.capture.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.config.ConfigDef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's capture configuration section is the one generated from {@link CaptureConfig#DEF}. */
class ConfigReferenceInReadmeTest {

    @Test
    void readmeConfigurationSectionMatchesTheDeclarations() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(ConfigDef.markdownSection(readme, "capture-config"))
                .as("README.md capture section; replace it with CaptureConfig.DEF.toMarkdownSection(\"capture-config\")")
                .hasValue(CaptureConfig.DEF.toMarkdownSection("capture-config"));
    }
}
