package io.ha4neo.archfixture.ops;

import org.neo4j.driver.Driver;

/** Allowed: the ops side reaches members over Bolt, through the driver. */
public class DriverProbe {
    public void check(Driver driver) {
        driver.verifyConnectivity();
    }
}
