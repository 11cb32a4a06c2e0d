package io.ha4neo.capture.publish;

import static io.ha4neo.schemas.contract.PublisherState.CONNECTING;
import static io.ha4neo.schemas.contract.PublisherState.DIVERGED;
import static io.ha4neo.schemas.contract.PublisherState.FENCED;
import static io.ha4neo.schemas.contract.PublisherState.KAFKA_UNAVAILABLE;
import static io.ha4neo.schemas.contract.PublisherState.MISCONFIGURED;
import static io.ha4neo.schemas.contract.PublisherState.NOT_PUBLISHING;
import static io.ha4neo.schemas.contract.PublisherState.PUBLISHING;
import static io.ha4neo.schemas.contract.PublisherState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.contract.PublisherState;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PublisherLifecycleTest {
    private static final Set<PublisherState> RUNNING = EnumSet.of(CONNECTING, PUBLISHING, KAFKA_UNAVAILABLE, MISCONFIGURED);

    @Test
    void aFreshPublisherConnectsThenPublishes() {
        assertThat(PublisherLifecycle.isTransitionValid(CONNECTING, PUBLISHING)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = PublisherState.class, names = {"CONNECTING", "PUBLISHING", "KAFKA_UNAVAILABLE", "MISCONFIGURED"})
    void everyRunningStateCanFailOrStopPublishingForGoodOrStop(PublisherState running) {
        for (PublisherState next : EnumSet.of(KAFKA_UNAVAILABLE, MISCONFIGURED, FENCED, DIVERGED, STOPPED)) {
            assertThat(PublisherLifecycle.isTransitionValid(running, next)).as(running + " -> " + next).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = PublisherState.class, names = {"KAFKA_UNAVAILABLE", "MISCONFIGURED"})
    void aRetryingPublisherReconnectsDirectlyOrThroughConnecting(PublisherState retrying) {
        assertThat(PublisherLifecycle.isTransitionValid(retrying, PUBLISHING)).isTrue();
        assertThat(PublisherLifecycle.isTransitionValid(retrying, CONNECTING)).isTrue();
    }

    @Test
    void aPublishingPublisherDoesNotGoBackToConnectingWithoutAnError() {
        assertThat(PublisherLifecycle.isTransitionValid(PUBLISHING, CONNECTING)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = PublisherState.class, names = {"FENCED", "DIVERGED"})
    void aFencedOrDivergedPublisherOnlyStops(PublisherState stopped) {
        for (PublisherState next : PublisherState.values()) {
            boolean expected = next == STOPPED || next == stopped;
            assertThat(PublisherLifecycle.isTransitionValid(stopped, next)).as(stopped + " -> " + next).isEqualTo(expected);
        }
    }

    @Test
    void stoppedIsTerminal() {
        for (PublisherState next : EnumSet.complementOf(EnumSet.of(STOPPED))) {
            assertThat(PublisherLifecycle.isTransitionValid(STOPPED, next)).as("STOPPED -> " + next).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(PublisherState.class)
    void notPublishingIsNeverAPublisherState(PublisherState other) {
        assertThat(PublisherLifecycle.isTransitionValid(other, NOT_PUBLISHING)).isFalse();
        assertThat(PublisherLifecycle.isTransitionValid(NOT_PUBLISHING, other)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = PublisherState.class, mode = EnumSource.Mode.EXCLUDE, names = "NOT_PUBLISHING")
    void stayingInAStateIsAlwaysAllowed(PublisherState state) {
        assertThat(PublisherLifecycle.isTransitionValid(state, state)).isTrue();
    }

    @Test
    void anIllegalTransitionThrowsNamingBothStates() {
        assertThatThrownBy(() -> PublisherLifecycle.check(FENCED, PUBLISHING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FENCED -> PUBLISHING");
    }

    @ParameterizedTest
    @EnumSource(PublisherState.class)
    void onlyTheFourRetryingOrPublishingStatesAreRunning(PublisherState state) {
        assertThat(PublisherLifecycle.isRunning(state)).isEqualTo(RUNNING.contains(state));
    }
}
