package io.ha4neo.applier.loop;

import io.ha4neo.applier.standby.StandbyStore;
import io.ha4neo.schemas.topology.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the applier may work: only while its member is a standby. Asks the member for its role
 * ({@code CALL ha4neo.role()}) at the first step and then every {@code member.role.check.interval.ms}, and on demand
 * after the member's write guard refused a write. Owned by the loop's thread; the loop turns each {@link Change} into
 * a pause (PAUSED, partitions paused) or a resume (re-positioning from the watermark).
 */
final class RoleWatch {
    private static final Logger log = LoggerFactory.getLogger(ApplierLoop.class); // the loop's own log lines

    /** What a check found. */
    enum Change {
        /** The role is what it was (or standby at the first check). */
        NONE,
        /** The member is not a standby (any more): pause. Also when it moves between primary and fenced. */
        PAUSE,
        /** The member is a standby again: resume from the watermark. */
        RESUME
    }

    private static final Duration MAX_IDLE_POLL = Duration.ofMillis(500);

    private final StandbyStore store;
    private final Duration interval;
    private final Clock clock;
    private Role role; // null before the first check
    private long lastCheck;

    RoleWatch(StandbyStore store, Duration interval, Clock clock) {
        this.store = store;
        this.interval = interval;
        this.clock = clock;
    }

    /** Checks the role when the interval has passed since the last check (at once the first time). */
    Change checkIfDue() {
        return role == null || clock.millis() - lastCheck >= interval.toMillis() ? checkNow() : Change.NONE;
    }

    /** Checks the role now; throws what the standby throws (the loop retries it like any other error). */
    Change checkNow() {
        Role now = store.memberRole();
        lastCheck = clock.millis();
        Role before = role;
        role = now;
        if (now == before || (before == null && now == Role.STANDBY)) {
            return Change.NONE;
        }
        if (now == Role.STANDBY) {
            log.info("member role {} -> standby: this applier resumes from the standby's watermark", name(before));
            return Change.RESUME;
        }
        if (before != null && before != Role.STANDBY) {
            log.info("member role {} -> {}: {}", name(before), name(now), pauseReason());
        }
        return Change.PAUSE;
    }

    /** How long a paused step polls: until the next role check is due, at most 500 ms. */
    Duration idlePoll() {
        return interval.compareTo(MAX_IDLE_POLL) < 0 ? interval : MAX_IDLE_POLL;
    }

    /** True while the last check found the member not a standby. */
    boolean isPaused() {
        return role != null && role != Role.STANDBY;
    }

    /** Why the applier idles, for the PAUSED state line and {@code /ready}. */
    String pauseReason() {
        return role == Role.FENCED
                ? "member is fenced: it holds a divergent tail; run `ha4neo rejoin`"
                : "member is " + name(role) + ": this applier idles until the member is a standby again";
    }

    /** As {@code ha4neo.role()} answers it: lower case. */
    private static String name(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }
}
