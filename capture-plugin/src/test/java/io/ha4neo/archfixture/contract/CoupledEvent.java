package io.ha4neo.archfixture.contract;

import io.ha4neo.archfixture.ops.DriverProbe;

/** The violation: a schemas-like event class that uses another ha4neo package (standing in for a module). */
public record CoupledEvent(long commitId, DriverProbe probe) {
}
