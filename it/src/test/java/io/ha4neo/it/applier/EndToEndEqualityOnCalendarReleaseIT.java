package io.ha4neo.it.applier;

import io.ha4neo.launcher.process.Neo4jRelease;

/**
 * {@link EndToEndEqualityIT} with the primary and the standby on the Neo4j calendar release (2025.x, on Java 21 or
 * later; {@link Neo4jRelease#CALENDAR_2025}), with the same plugin jar: the whole pipeline, the secure defaults and
 * the metrics the dashboard queries.
 */
class EndToEndEqualityOnCalendarReleaseIT extends EndToEndEqualityIT {
    @Override
    Neo4jRelease release() {
        return Neo4jRelease.CALENDAR_2025;
    }
}
