/**
 * Names that more than one module reads or writes: the standby's watermark node, the columns of the plugin's
 * procedures, the metric names that dashboards, the launcher and the benchmark read, and the phrases of errors that
 * operators and tests look for (the applier's refusal of a standby that needs seeding). Each is declared here
 * once; renaming one is a change of the contract, visible in one place, and every reader and writer follows it.
 *
 * <p>Entity names that ha4neo creates in a user's database (labels, properties, constraints) are in
 * {@link io.ha4neo.schemas.topology.ReservedNames}.
 */
package io.ha4neo.schemas.contract;
