package io.ha4neo.it.standby;

import io.ha4neo.launcher.process.Neo4jRelease;

/**
 * {@link StandbyIT} on the Neo4j calendar release (2025.x, on Java 21 or later; {@link Neo4jRelease#CALENDAR_2025}),
 * with the same plugin jar: the standby's write guard on every client write path, and role switches under load.
 */
class StandbyOnCalendarReleaseIT extends StandbyIT {
    @Override
    Neo4jRelease release() {
        return Neo4jRelease.CALENDAR_2025;
    }
}
