package io.ha4neo.capture.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's capture configuration table is the one generated from {@link CaptureConfig#DEF}. */
class ConfigReferenceInReadmeTest {

    @Test
    void readmeConfigurationTableMatchesTheDeclarations() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- capture-config:begin -->\n";
        String end = "<!-- capture-config:end -->";
        String table = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
        assertThat(table)
                .as("README.md capture table; regenerate it from CaptureConfig.DEF.toMarkdown()")
                .isEqualTo(CaptureConfig.DEF.toMarkdown());
    }
}
