package io.ha4neo.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    @Test
    void generatedPasswordsAreLongLettersAndDigitsAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String password = Credentials.generatePassword();
            assertThat(password).hasSize(Credentials.GENERATED_LENGTH).matches("[A-Za-z0-9]+");
            assertThat(seen.add(password)).as("password %d repeats an earlier one", i).isTrue();
        }
        // 1,000 passwords of 20 symbols: every one of the 62 symbols shows up (a biased generator would miss some)
        assertThat(String.join("", seen).chars().distinct().count()).isEqualTo(62);
    }

    @Test
    void toStringNeverShowsThePassword() {
        Credentials c = Credentials.generated(Credentials.APPLIER_USER);
        assertThat(c.toString()).isEqualTo("ha4neo_applier/****").doesNotContain(c.password());
    }

    @Test
    void refusesPasswordsNeo4jWouldRefuse() {
        assertThatThrownBy(() -> new Credentials("u", "short")).hasMessageContaining("at least 8");
        assertThatThrownBy(() -> new Credentials(" ", "long-enough")).hasMessageContaining("blank");
    }
}
