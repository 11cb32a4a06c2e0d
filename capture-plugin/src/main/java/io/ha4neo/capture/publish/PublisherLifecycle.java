package io.ha4neo.capture.publish;

import static io.ha4neo.schemas.contract.PublisherState.CONNECTING;
import static io.ha4neo.schemas.contract.PublisherState.DIVERGED;
import static io.ha4neo.schemas.contract.PublisherState.FENCED;
import static io.ha4neo.schemas.contract.PublisherState.KAFKA_UNAVAILABLE;
import static io.ha4neo.schemas.contract.PublisherState.MISCONFIGURED;
import static io.ha4neo.schemas.contract.PublisherState.PUBLISHING;
import static io.ha4neo.schemas.contract.PublisherState.STOPPED;
import static io.ha4neo.schemas.contract.PublisherState.SUPERSEDED;

import io.ha4neo.schemas.contract.PublisherState;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The allowed transitions between {@link PublisherState}s of an {@link EventPublisher}, like Kafka's
 * {@code TransactionManager.State.isTransitionValid}:
 *
 * <pre>
 *   CONNECTING ──▶ PUBLISHING ──▶ KAFKA_UNAVAILABLE / MISCONFIGURED ──▶ PUBLISHING (reconnected) …
 *        any running state ──▶ FENCED / DIVERGED / SUPERSEDED   (publishing stopped for good; only STOPPED follows)
 *        any state ──▶ STOPPED                       (the thread ended; terminal)
 * </pre>
 *
 * <p>A reconnection after an error goes straight from KAFKA_UNAVAILABLE or MISCONFIGURED to PUBLISHING: the
 * state keeps saying why the publisher is not publishing until it is again. Staying in a state (a repeated
 * retry) is always allowed. {@link PublisherState#NOT_PUBLISHING} belongs to standbys, which have no publisher,
 * so no transition leads to or from it.
 */
final class PublisherLifecycle {
    private static final Set<PublisherState> RUNNING = EnumSet.of(CONNECTING, PUBLISHING, KAFKA_UNAVAILABLE, MISCONFIGURED);
    private static final Map<PublisherState, Set<PublisherState>> ALLOWED = new EnumMap<>(PublisherState.class);

    static {
        ALLOWED.put(CONNECTING, EnumSet.of(PUBLISHING, KAFKA_UNAVAILABLE, MISCONFIGURED, FENCED, DIVERGED, SUPERSEDED,
                STOPPED));
        ALLOWED.put(PUBLISHING, EnumSet.of(KAFKA_UNAVAILABLE, MISCONFIGURED, FENCED, DIVERGED, SUPERSEDED, STOPPED));
        ALLOWED.put(KAFKA_UNAVAILABLE, EnumSet.of(CONNECTING, PUBLISHING, MISCONFIGURED, FENCED, DIVERGED, SUPERSEDED,
                STOPPED));
        ALLOWED.put(MISCONFIGURED, EnumSet.of(CONNECTING, PUBLISHING, KAFKA_UNAVAILABLE, FENCED, DIVERGED, SUPERSEDED,
                STOPPED));
        ALLOWED.put(FENCED, EnumSet.of(STOPPED));
        ALLOWED.put(SUPERSEDED, EnumSet.of(STOPPED));
        ALLOWED.put(DIVERGED, EnumSet.of(STOPPED));
        ALLOWED.put(STOPPED, EnumSet.noneOf(PublisherState.class));
    }

    private PublisherLifecycle() {
    }

    /** True when a publisher in state {@code from} may move to {@code to}. */
    static boolean isTransitionValid(PublisherState from, PublisherState to) {
        if (!ALLOWED.containsKey(from) || !ALLOWED.containsKey(to)) {
            return false;
        }
        return from == to || ALLOWED.get(from).contains(to);
    }

    /** Throws {@link IllegalStateException} naming both states unless the transition is allowed. */
    static void check(PublisherState from, PublisherState to) {
        if (!isTransitionValid(from, to)) {
            throw new IllegalStateException("illegal publisher state transition " + from + " -> " + to
                    + "; allowed from " + from + ": " + ALLOWED.getOrDefault(from, Set.of()));
        }
    }

    /** True while the publisher publishes or tries to (as opposed to FENCED, DIVERGED, SUPERSEDED and STOPPED). */
    static boolean isRunning(PublisherState state) {
        return RUNNING.contains(state);
    }
}
