package io.ha4neo.schemas.contract;

/**
 * How the applier refuses a standby that must be seeded before it can follow the log (docs/baseline.md): the standby
 * has no watermark and either holds user data already, or the log's baseline says the primary's store held data when
 * capture first started. The refusal is fatal: the applier writes nothing, exits 1, and its status, metrics and log
 * name the kind and the fix below. Readers: operators' alerts (the metric label), the ops CLI, the tests.
 */
public final class BootstrapRefusal {
    /**
     * The applier's error kind: the {@code kind} label of {@link MetricNames#APPLIER_ERRORS_TOTAL}, the first word of
     * the FAILED state's reason, and the word in parentheses of the fatal log line.
     */
    public static final String KIND = "bootstrap_required";
    /** The ops CLI command that seeds a standby from the log ({@code ha4neo.bootstrap.*} procedures, docs/bootstrap.md). */
    public static final String COMMAND = "ha4neo bootstrap";
    /** The fix every refusal message names. */
    public static final String FIX = "seed it with `" + COMMAND + "`";

    private BootstrapRefusal() {
    }
}
