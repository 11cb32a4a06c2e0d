package io.ha4neo.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void neverHandsOutTheSamePortTwiceInOneJvm() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            assertThat(ports.add(FreePorts.next())).isTrue();
        }
        assertThat(ports).allMatch(FreePorts::isFree);
    }
}
